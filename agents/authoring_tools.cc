#include "agents/authoring_tools.h"

#include <unistd.h>

#include <atomic>
#include <regex>
#include <utility>

#include "agents/atomic_file.h"
#include "agents/project_activities.h"
#include "agents/tool_schema.h"
#include "dsl/loader.h"
#include "runtime/activity/activity_context.h"
#include "runtime/dry_run/test_case.h"
#include "runtime/dry_run/workflow_tests.h"
#include "runtime/lua/lua_sandbox.h"

namespace weft::agents {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

ToolResult Refused(std::string message, json details = json::object()) {
  details["error"] = std::move(message);
  return {std::move(details), true};
}

bool IsWorkflowName(const std::string& name) {
  static const std::regex pattern("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  return name.size() <= 63 && std::regex_match(name, pattern);
}

bool IsModuleName(const std::string& name) {
  static const std::regex pattern("[A-Za-z_][A-Za-z0-9_]*");
  return name.size() <= 64 && std::regex_match(name, pattern);
}

// The `name:` of a definition that may not load, for naming its draft.
std::string DeclaredName(const std::string& yaml) {
  static const std::regex pattern(
      R"((^|\n)name:[ \t]*["']?([a-z][a-z0-9-]*)["']?[ \t]*(#[^\n]*)?(\r?\n|$))");
  std::smatch match;
  return std::regex_search(yaml, match, pattern) ? match[2].str() : std::string();
}

// A folder of its own under the system's temporary folder, removed with this object: where a
// Lua module is tried before it replaces the real one.
class ScratchFolder {
 public:
  ScratchFolder() {
    static std::atomic<unsigned> counter{0};
    path_ = fs::temp_directory_path() /
            ("weft-write-activity-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

AuthoringTools::AuthoringTools(AuthoringFolders folders) : folders_(std::move(folders)) {}

std::vector<Tool> AuthoringTools::Tools() {
  return {
      {.name = "write_workflow",
       .title = "Write a workflow",
       .description =
           "Writes a workflow definition (YAML text) to workflows/<name>.yaml, whole, replacing "
           "the file of that name: running workers serve the new version to new runs without a "
           "restart (runs in flight keep theirs), and it is a tool of its own name at once. "
           "Validated first, against the project's activities: an invalid definition is refused "
           "with validate_workflow's diagnostics (code, line, column, path, message, hint) and "
           "nothing is written, unless `draft` is true (then it is written, listed as broken by "
           "list_workflows, and the last good version stays served). The language: "
           "get_reference {topic: language}.",
       .input_schema = ObjectSchema(
           {{"yaml", Property("string", "The whole definition (dsl: 1, name, steps, ...)")},
            {"draft",
             Property("boolean", "Write it even when it does not validate (default false)")}},
           {"yaml"})},
      {.name = "write_activity",
       .title = "Write a Lua activity module",
       .description =
           "Writes activities/<module>.lua, whole, replacing the module of that name. It is "
           "loaded in the Lua sandbox first: a module that does not load is refused with its "
           "error (file:line) and nothing is written. Returns its activities "
           "(<module>.<function>, with the descriptions and input schemas of its `doc` table). "
           "Workers run the new module from their next call, without a restart. The contract "
           "(typed and non-retryable errors: error({type = ..., non_retryable = true})): "
           "get_reference {topic: activities}.",
       .input_schema = ObjectSchema(
           {{"module", Property("string",
                                "The module name: letters, digits and _ (e.g. send_invoice); its "
                                "functions are the activities <module>.<function>")},
            {"lua", Property("string", "The module's source: it returns a table of functions")}},
           {"module", "lua"})},
      {.name = "write_test",
       .title = "Write dry-run test cases",
       .description =
           "Writes tests/workflows/<workflow>.test.yaml, whole, replacing it, after checking its "
           "format (refused with diagnostics otherwise), then dry-runs its cases as "
           "test_workflow does and returns the report. The format: get_reference {topic: "
           "testing}.",
       .input_schema = ObjectSchema(
           {{"workflow", Property("string", "The workflow the cases test (its name)")},
            {"yaml", Property("string",
                              "The test file: workflow: <name>, cases: [{name, input, mocks, "
                              "events, expect}]")}},
           {"workflow", "yaml"})},
  };
}

std::optional<ToolResult> AuthoringTools::Call(const std::string& name,
                                               const json& arguments) const {
  if (name == "write_workflow") return WriteWorkflow(arguments);
  if (name == "write_activity") return WriteActivity(arguments);
  if (name == "write_test") return WriteTest(arguments);
  return std::nullopt;
}

json AuthoringTools::ValidateText(const std::string& yaml, const std::string& file) const {
  dsl::LoadOptions options{.file = file};
  json broken = json::array();
  if (auto activities = ListProjectActivities(folders_.activities_dir)) {
    options.known_activities = std::move(activities->names);
    for (const json& module : activities->broken) {
      options.broken_activity_modules[module.value("module", "")] =
          module.value("file", "") + ": " + module["error"].value("message", "");
    }
    broken = std::move(activities->broken);
  }
  auto loaded = dsl::LoadDefinition(yaml, options);
  json entry = {{"file", file}, {"valid", loaded.has_value()}, {"diagnostics", json::array()}};
  if (loaded) {
    entry["name"] = (*loaded)->name;
    entry["version"] = (*loaded)->version;
    entry["sha256"] = (*loaded)->sha256;
  } else {
    for (const dsl::Diagnostic& diagnostic : loaded.error()) {
      entry["diagnostics"].push_back(dsl::DiagnosticToJson(diagnostic));
    }
  }
  json report = {{"valid", loaded.has_value()}, {"files", json::array({entry})}};
  if (!broken.empty()) report["broken_activity_modules"] = std::move(broken);
  return report;
}

ToolResult AuthoringTools::WriteWorkflow(const json& arguments) const {
  const std::string yaml = arguments.value("yaml", std::string());
  const bool draft = arguments.value("draft", false);
  std::string name = DeclaredName(yaml);
  const std::string shown = name.empty() ? "the definition" : name + ".yaml";
  json report = ValidateText(yaml, (folders_.workflows_dir / shown).string());
  const bool valid = report["valid"].get<bool>();
  if (valid) name = report["files"][0]["name"].get<std::string>();
  if (!valid && !draft) {
    return Refused(
        "the definition does not validate, so nothing was written: fix the "
        "diagnostics (or pass draft: true to keep it as a draft)",
        std::move(report));
  }
  if (!IsWorkflowName(name)) {
    return Refused(
        "a draft needs a valid `name:` (kebab-case: lowercase letters, digits and "
        "-, starting with a letter) to be written as workflows/<name>.yaml",
        std::move(report));
  }
  const fs::path file = folders_.workflows_dir / (name + ".yaml");
  std::error_code ignored;
  const bool replaced = fs::exists(file, ignored);
  if (auto written = ReplaceFileAtomically(file, yaml); !written) {
    return Refused(written.error());
  }
  json result = {{"written", file.string()},
                 {"name", name},
                 {"replaced", replaced},
                 {"valid", valid},
                 {"validation", std::move(report)}};
  if (valid) {
    result["next"] = {"write_test {workflow: \"" + name + "\", yaml} and test_workflow {name: \"" +
                          name + "\"} dry-run it with mocked activities",
                      "the tool `" + name + "` (or start_workflow {name: \"" + name +
                          "\"}) starts a durable run"};
  } else {
    result["next"] = {
        "fix the diagnostics and write_workflow again; until then list_workflows "
        "lists the file as broken and workers keep serving its last good version"};
  }
  return {std::move(result)};
}

ToolResult AuthoringTools::WriteActivity(const json& arguments) const {
  const std::string module = arguments.value("module", std::string());
  const std::string lua = arguments.value("lua", std::string());
  if (!IsModuleName(module)) {
    return Refused("`" + module +
                   "` is not a Lua module name: letters, digits and _, not starting with a "
                   "digit (a workflow's module is its name with _ for -)");
  }
  // Tried in a sandbox of its own, on a copy: the real module changes only if this one loads.
  ScratchFolder scratch;
  if (auto copied = ReplaceFileAtomically(scratch.path() / (module + ".lua"), lua); !copied) {
    return Refused(copied.error());
  }
  lua::LuaSandbox sandbox({.module_dir = scratch.path()});
  auto functions = sandbox.Describe(module);
  if (!functions) {
    return Refused("the module does not load, so nothing was written: " + functions.error().message,
                   {{"module", module}, {"failure", functions.error().ToJson()}});
  }
  if (functions->empty()) {
    return Refused(
        "the module loads but exports no function: it must return a table of "
        "functions (local M = {} ... return M)",
        {{"module", module}});
  }
  const fs::path file = folders_.activities_dir / (module + ".lua");
  std::error_code ignored;
  const bool replaced = fs::exists(file, ignored);
  if (auto written = ReplaceFileAtomically(file, lua); !written) return Refused(written.error());
  json activities = json::array();
  for (const lua::LuaFunctionInfo& function : *functions) {
    json item = {{"name", module + "." + function.name}, {"description", function.description}};
    if (function.input_schema) item["input_schema"] = *function.input_schema;
    activities.push_back(std::move(item));
  }
  return {{{"written", file.string()},
           {"module", module},
           {"replaced", replaced},
           {"activities", std::move(activities)},
           {"next", "a `call:` step names these activities; validate_workflow checks it"}}};
}

ToolResult AuthoringTools::WriteTest(const json& arguments) const {
  const std::string workflow = arguments.value("workflow", std::string());
  const std::string yaml = arguments.value("yaml", std::string());
  if (!IsWorkflowName(workflow)) {
    return Refused("`" + workflow + "` is not a workflow name (kebab-case, as its `name:`)");
  }
  const fs::path file = folders_.tests_dir / (workflow + ".test.yaml");
  auto parsed = dry_run::ParseTestFile(yaml, file.string());
  if (!parsed) {
    json diagnostics = json::array();
    for (const dsl::Diagnostic& diagnostic : parsed.error()) {
      diagnostics.push_back(dsl::DiagnosticToJson(diagnostic));
    }
    return Refused(
        "the test file is not in the test format, so nothing was written (the "
        "format: get_reference {topic: testing})",
        {{"diagnostics", std::move(diagnostics)}});
  }
  std::error_code ignored;
  const bool replaced = fs::exists(file, ignored);
  if (auto written = ReplaceFileAtomically(file, yaml); !written) return Refused(written.error());
  const dry_run::TestReport report =
      dry_run::RunWorkflowTests({file.string()}, folders_.workflows_dir);
  return {
      {{"written", file.string()},
       {"replaced", replaced},
       {"passed", report.passed()},
       {"test", report.ToJson()},
       {"next", report.passed() ? "test_workflow {name: \"" + workflow + "\"} runs them again"
                                : "fix what the report says (in the workflow or in the cases) and "
                                  "write again"}}};
}

}  // namespace weft::agents
