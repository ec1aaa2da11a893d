// validate, schema, graph, fmt: the language's commands. They read definitions with the dsl
// loader and print; all checking lives in dsl/ (validate's against the project's activities in
// activities/project_validation.h).
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "activities/project_validation.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "dsl/canonical_yaml.h"
#include "dsl/loader.h"
#include "dsl/mermaid_graph.h"
#include "dsl/workflow_schema.h"

namespace weft::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> paths{"workflows"};  // the paths given replace it
  bool json = false;
  std::vector<std::string> plugins;
  std::string lua_dir;
};

void RunValidate(const ValidateOptions& options) {
  // `call`s are checked against what a worker started here would serve, as `weft activities`
  // lists it.
  const auto report = activities::ValidateProjectDefinitions(
      options.paths, activities::ProjectRegistryOptions(options.plugins, options.lua_dir));
  if (!report) CommandFailed("validate", report.error().message);
  if (options.json) {
    PrintJson(report->ToJson());
  } else if (report->files.empty()) {
    std::cerr << "weft validate: no definitions found\n";
  } else {
    std::cout << report->Text();
  }
  if (!report->valid()) throw CLI::RuntimeError(1);
}

// Loads one definition or prints its diagnostics to stderr and fails.
std::shared_ptr<const dsl::Definition> LoadOrFail(const std::string& file) {
  auto result = dsl::LoadDefinitionFile(file);
  if (!result) {
    std::cerr << dsl::FormatFileDiagnostics(file, result.error());
    throw CLI::RuntimeError(1);
  }
  return *result;
}

}  // namespace

void AddLanguageCommands(CLI::App& app) {
  auto validate_options = std::make_shared<ValidateOptions>();
  auto* validate = app.add_subcommand(
      "validate", "Check workflow definitions (files or folders; default: workflows/)");
  validate->add_option("paths", validate_options->paths, "Definition files or folders");
  validate->add_flag("--json", validate_options->json, "Print the result as JSON");
  AddActivityFlags(*validate, validate_options->plugins, validate_options->lua_dir);
  validate->callback([validate_options] { RunValidate(*validate_options); });

  auto* schema = app.add_subcommand("schema", "Print the JSON Schema of workflow definitions");
  schema->callback([] { std::cout << dsl::WorkflowSchemaText(); });

  auto graph_file = std::make_shared<std::string>();
  auto* graph = app.add_subcommand("graph", "Print a definition as a Mermaid flowchart");
  graph->add_option("file", *graph_file, "The definition")->required();
  graph->callback([graph_file] { std::cout << dsl::MermaidGraph(*LoadOrFail(*graph_file)); });

  struct FmtOptions {
    std::string file;
    bool write = false;
  };
  auto fmt_options = std::make_shared<FmtOptions>();
  auto* fmt = app.add_subcommand(
      "fmt", "Print a definition in canonical formatting (comments are not kept)");
  fmt->add_option("file", fmt_options->file, "The definition")->required();
  fmt->add_flag("-w,--write", fmt_options->write, "Rewrite the file instead of printing it");
  fmt->callback([fmt_options] {
    const std::string text = dsl::CanonicalYaml(*LoadOrFail(fmt_options->file));
    if (!fmt_options->write) {
      std::cout << text;
      return;
    }
    std::ofstream out(fmt_options->file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) CommandFailed("fmt", "cannot write " + fmt_options->file);
  });
}

}  // namespace weft::cli
