// validate, schema, graph, fmt: the language's commands. They read definitions with the dsl
// loader and print; all checking lives in dsl/.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "cmd/weft/commands.h"
#include "dsl/canonical_yaml.h"
#include "dsl/loader.h"
#include "dsl/mermaid_graph.h"
#include "dsl/workflow_schema.h"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The definition files named by `paths`: files as given, folders searched recursively for
// *.yaml and *.yml, in sorted order. Paths that do not exist are returned too, so that loading
// reports them.
std::vector<fs::path> DefinitionFiles(const std::vector<std::string>& paths) {
  std::vector<fs::path> files;
  for (const std::string& name : paths) {
    const fs::path path(name);
    std::error_code error;
    if (!fs::is_directory(path, error)) {
      files.push_back(path);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
         it.increment(error)) {
      const fs::path& file = it->path();
      if (it->is_regular_file() && (file.extension() == ".yaml" || file.extension() == ".yml")) {
        found.push_back(file);
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

struct ValidateOptions {
  std::vector<std::string> paths;
  bool json = false;
  std::vector<std::string> plugins;
  std::string lua_dir;
};

// The names a worker started here would serve: built-ins, --plugin libraries and the Lua
// modules of --lua-dir (default ./activities), as `weft activities` lists them.
std::set<std::string> RegisteredActivities(const ValidateOptions& options) {
  const activities::RegistryOptions registry_options =
      activities::ProjectRegistryOptions(options.plugins, options.lua_dir);
  auto names = activities::RegisteredActivityNames(registry_options);
  if (!names) {
    std::cerr << "weft validate: " << names.error().message << "\n";
    throw CLI::RuntimeError(1);
  }
  return std::move(*names);
}

void RunValidate(const ValidateOptions& options) {
  const std::vector<std::string> paths =
      options.paths.empty() ? std::vector<std::string>{"workflows"} : options.paths;
  const std::vector<fs::path> files = DefinitionFiles(paths);
  const dsl::LoadOptions load_options{.known_activities = RegisteredActivities(options)};
  nlohmann::json report = {{"valid", true}, {"files", nlohmann::json::array()}};
  std::size_t errors = 0;
  std::size_t invalid_files = 0;
  for (const fs::path& file : files) {
    auto result = dsl::LoadDefinitionFile(file, load_options);
    nlohmann::json entry = {{"file", file.string()}, {"valid", result.has_value()}};
    if (result) {
      const dsl::Definition& definition = **result;
      entry["name"] = definition.name;
      entry["version"] = definition.version;
      entry["sha256"] = definition.sha256;
      entry["diagnostics"] = nlohmann::json::array();
      if (!options.json) {
        std::cout << file.string() << ": ok (" << definition.name << " v" << definition.version
                  << ", sha256 " << definition.sha256.substr(0, 12) << ")\n";
      }
    } else {
      ++invalid_files;
      errors += result.error().size();
      entry["diagnostics"] = nlohmann::json::array();
      const std::string text = options.json ? std::string() : ReadText(file);
      for (const dsl::Diagnostic& diagnostic : result.error()) {
        entry["diagnostics"].push_back(dsl::DiagnosticToJson(diagnostic));
        if (!options.json) std::cout << dsl::FormatDiagnostic(diagnostic, text);
      }
      report["valid"] = false;
    }
    report["files"].push_back(std::move(entry));
  }
  if (files.empty()) {
    report["valid"] = false;
    if (!options.json) std::cerr << "weft validate: no definitions found\n";
  }
  if (options.json) {
    std::cout << report.dump(2) << "\n";
  } else if (!files.empty()) {
    std::cout << files.size() << (files.size() == 1 ? " file" : " files") << ", " << invalid_files
              << " invalid, " << errors << (errors == 1 ? " error" : " errors") << "\n";
  }
  if (!report["valid"].get<bool>()) throw CLI::RuntimeError(1);
}

// Loads one definition or prints its diagnostics to stderr and fails.
std::shared_ptr<const dsl::Definition> LoadOrFail(const std::string& file) {
  auto result = dsl::LoadDefinitionFile(file);
  if (!result) {
    const std::string text = ReadText(file);
    for (const dsl::Diagnostic& diagnostic : result.error()) {
      std::cerr << dsl::FormatDiagnostic(diagnostic, text);
    }
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
  validate->add_option("--plugin", validate_options->plugins,
                       "An activity plugin (.so) whose activities calls may use; repeatable");
  validate
      ->add_option("--lua-dir", validate_options->lua_dir,
                   "Lua activity modules calls may use (default: ./activities if present)")
      ->envname("WEFT_LUA_DIR");
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
    if (!out) {
      std::cerr << "weft fmt: cannot write " << fmt_options->file << "\n";
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace weft::cli
