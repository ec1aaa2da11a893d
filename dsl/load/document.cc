// The loader's document pass (dsl/loader.h): reads the YAML, checks the root keys, declares
// what every expression may name (input, vars and the variables that steps' `result` declares,
// every step id, workflow), then loads `defaults`, `handlers`, `steps` (dsl/load/steps.h) and
// the rest of the root, and finally builds the canonical form and its digest. Diagnostics are
// sorted by position once every pass has run.
#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <utility>

#include "dsl/codes.h"
#include "dsl/load/handlers.h"
#include "dsl/load/loader_context.h"
#include "dsl/load/schedules.h"
#include "dsl/load/steps.h"
#include "dsl/loader.h"
#include "dsl/sha256.h"

namespace weft::dsl {
namespace {

using Kind = SourceNode::Kind;
using expr::Type;
using load::Declarations;
using load::ExternalNamePattern;
using load::IdentifierPattern;
using load::LoaderContext;
using load::Visible;
using load::WorkflowNamePattern;

// Pre-pass: the variables that `result` declares anywhere, and every step id (so that a
// reference to a step that exists but is not visible gets a precise message).
void CollectVariablesAndIds(const SourceNode& node, Declarations& declarations) {
  if (node.kind == Kind::kMapping) {
    const SourceNode* id = node.Find("id");
    if (id != nullptr && id->is_string()) {
      declarations.all_step_ids.insert(id->string());
      const SourceNode* result = node.Find("result");
      if (result != nullptr && result->is_string() &&
          std::regex_match(result->string(), IdentifierPattern())) {
        declarations.variables.insert(result->string());
      }
    }
    for (const SourceNode::Entry& entry : node.entries) {
      CollectVariablesAndIds(entry.value, declarations);
    }
  } else if (node.kind == Kind::kSequence) {
    for (const SourceNode& item : node.items) CollectVariablesAndIds(item, declarations);
  }
}

// Everything under the root mapping, into `def`.
void LoadDocument(LoaderContext& loader, const SourceNode& root, Definition& def) {
  loader.CheckKeys(
      root,
      {"dsl", "name", "version", "description", "input", "vars", "defaults", "handlers", "steps",
       "output", "on_failure", "timeout", "search_attributes", "memo", "schedules"},
      "the definition");

  const SourceNode* dsl = root.Find("dsl");
  if (dsl == nullptr) {
    loader.Error(codes::kDslVersion, SourcePosition{.line = 1, .column = 1}, "",
                 "the definition does not say which language version it is written in",
                 "start the file with `dsl: 1`");
  } else if (dsl->kind != Kind::kInt || dsl->scalar.get<std::int64_t>() != 1) {
    loader.Error(
        codes::kDslVersion, *dsl,
        "unknown language version `" + dsl->ToJson().dump() + "`; this weft reads `dsl: 1`",
        "write `dsl: 1`");
  }
  if (auto name =
          loader.Name(loader.Required(root, "name", "the definition", "e.g. `name: order-clothes`"),
                      WorkflowNamePattern(), "workflow name",
                      "workflow names are lowercase words joined by `-`: `order-clothes`")) {
    def.name = *name;
  }
  if (auto version = loader.Integer(root.Find("version"), "`version`", 1)) def.version = *version;
  def.description = loader.String(root.Find("description"), "`description`").value_or("");
  if (const SourceNode* input = root.Find("input");
      input && loader.ExpectMapping(*input, "`input`")) {
    def.input_schema = input->ToJson();
    loader.declarations().input = expr::TypeFromJsonSchema(def.input_schema);
  } else {
    def.input_schema = nlohmann::json::object();
  }
  loader.declarations().workflow = Type::Object({{"id", Type::String()},
                                                 {"run_id", Type::String()},
                                                 {"name", Type::String()},
                                                 {"version", Type::Int()},
                                                 {"sha256", Type::String()},
                                                 {"attempt", Type::Int()},
                                                 {"start_time", Type::Timestamp()},
                                                 {"task_queue", Type::String()}},
                                                /*open=*/false);

  // Variables: declared in `vars`, or by a step's `result`.
  const SourceNode* vars = root.Find("vars");
  if (vars != nullptr && loader.ExpectMapping(*vars, "`vars`")) {
    for (const SourceNode::Entry& entry : vars->entries) {
      if (!std::regex_match(entry.key, IdentifierPattern())) {
        loader.ErrorAtKey(codes::kInvalidName, entry,
                          "`" + entry.key + "` is not a valid variable name",
                          "variables are lowercase identifiers: letters, digits and `_`");
        continue;
      }
      loader.declarations().variables.insert(entry.key);
    }
  }
  if (const SourceNode* steps = root.Find("steps")) {
    CollectVariablesAndIds(*steps, loader.declarations());
  }
  std::map<std::string, Type> var_fields;
  for (const std::string& name : loader.declarations().variables) var_fields[name] = Type::Dyn();
  loader.declarations().vars = Type::Object(std::move(var_fields), /*open=*/false);
  def.variables.assign(loader.declarations().variables.begin(),
                       loader.declarations().variables.end());
  if (vars != nullptr && vars->kind == Kind::kMapping) {
    Visible visible;
    visible.locals.clear();
    for (const SourceNode::Entry& entry : vars->entries) {
      if (!loader.declarations().variables.contains(entry.key)) continue;
      def.vars.push_back(
          Assignment{.variable = entry.key, .value = loader.TemplateOf(entry.value, visible)});
    }
  }

  loader.declarations().call_defaults = LoadCallDefaults(loader, root.Find("defaults"));
  if (const SourceNode* handlers = root.Find("handlers")) LoadHandlers(loader, *handlers, def);

  Visible top;
  if (const SourceNode* steps = loader.Required(
          root, "steps", "the definition", "`steps:` is the list of steps the workflow runs")) {
    def.steps = LoadBlock(loader, steps, top, "`steps`");
    for (const Step& step : def.steps) {
      top.steps[step.id] = Type::Object({{"result", Type::Dyn()}}, false);
    }
  }
  if (const SourceNode* output = root.Find("output")) def.output = loader.TemplateOf(*output, top);
  if (const SourceNode* on_failure = root.Find("on_failure")) {
    if (auto policy = loader.String(on_failure, "`on_failure`")) {
      if (*policy == "compensate") {
        def.on_failure = Definition::OnFailure::kCompensate;
      } else if (*policy != "fail") {
        loader.Error(
            codes::kInvalidValue, *on_failure,
            "`on_failure` is `fail` or `compensate`, not `" + *policy + "`",
            "compensate: run the compensations of completed calls, newest first, then fail");
      }
    }
  }
  if (const SourceNode* timeout = root.Find("timeout")) def.timeout = loader.DurationOf(timeout);
  if (const SourceNode* schedules = root.Find("schedules")) LoadSchedules(loader, *schedules, def);
  for (const char* key : {"search_attributes", "memo"}) {
    const SourceNode* node = root.Find(key);
    if (node == nullptr || !loader.ExpectMapping(*node, std::string("`") + key + "`")) continue;
    auto& target = std::string_view(key) == "memo" ? def.memo : def.search_attributes;
    for (const SourceNode::Entry& entry : node->entries) {
      if (!std::regex_match(entry.key, ExternalNamePattern())) {
        loader.ErrorAtKey(codes::kInvalidName, entry, "`" + entry.key + "` is not a valid name");
        continue;
      }
      target.emplace(entry.key, loader.TemplateOf(entry.value, Visible{}));
    }
  }
}

}  // namespace

LoadResult LoadDefinition(std::string_view text, const LoadOptions& options) {
  ReadResult read = ReadYaml(text, options.file, options.limits);
  if (!read.root) return std::unexpected(std::move(read.diagnostics));
  const SourceNode& root = *read.root;
  LoaderContext loader(text, options, std::move(read.diagnostics));
  auto definition = std::make_shared<Definition>();
  Definition& def = *definition;
  def.file = options.file;
  if (!loader.ExpectMapping(root, "a definition")) {
    return std::unexpected(loader.TakeDiagnostics());
  }
  LoadDocument(loader, root, def);
  if (loader.has_errors()) {
    std::vector<Diagnostic> diagnostics = loader.TakeDiagnostics();
    std::stable_sort(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                       return a.position.offset < b.position.offset;
                     });
    return std::unexpected(std::move(diagnostics));
  }
  // The canonical form: the document as JSON (comments, formatting and key order gone, aliases
  // expanded), with durations and expression delimiters in their one canonical spelling.
  def.canonical = root.ToJson();
  for (const auto& [path, value] : loader.canonical_rewrites()) {
    def.canonical[nlohmann::json::json_pointer(path)] = value;
  }
  def.sha256 = Sha256Hex(def.canonical.dump());
  def.source_map = {.file = options.file, .expressions = loader.expression_positions()};
  return std::shared_ptr<const Definition>(std::move(definition));
}

LoadResult LoadDefinitionFile(const std::filesystem::path& path, LoadOptions options) {
  if (options.file.empty()) options.file = path.string();
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (!error && size > options.limits.max_bytes) {
    // Refuse before reading: a hostile file must not cost its size in memory.
    return std::unexpected(std::vector<Diagnostic>{
        Diagnostic{.code = codes::kFileTooLarge,
                   .file = options.file,
                   .position = SourcePosition{.line = 1, .column = 1},
                   .message = "the definition is " + std::to_string(size) +
                              " bytes; the limit is " + std::to_string(options.limits.max_bytes),
                   .hint = "move large data out of the definition: pass it as input"}});
  }
  std::ifstream in(path, std::ios::binary);
  if (error || !in) {
    return std::unexpected(std::vector<Diagnostic>{Diagnostic{
        .code = codes::kUnreadableFile,
        .file = options.file,
        .message = "cannot read the file" + (error ? ": " + error.message() : std::string()),
        .hint = ""}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return LoadDefinition(text.str(), options);
}

std::string FormatFileDiagnostics(const std::filesystem::path& path,
                                  const std::vector<Diagnostic>& diagnostics) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream source;
  source << in.rdbuf();
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics)
    text += FormatDiagnostic(diagnostic, source.str());
  return text;
}

}  // namespace weft::dsl
