#include "agents/weft_tools.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <type_traits>
#include <utility>
#include <variant>

#include "agents/project_activities.h"
#include "agents/reference.h"
#include "agents/tool_schema.h"
#include "agents/weft_process.h"
#include "agents/workflow_scaffold.h"
#include "dsl/workflow_schema.h"

namespace weft::agents {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The command's stdout as JSON when it is JSON, else as text (a run id such as "4033e866-..."
// is neither a number nor JSON).
json OutputValue(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return text;
  }
}

ToolResult Failed(std::string message, json details = nullptr) {
  json value = {{"error", std::move(message)}};
  if (!details.is_null()) value["details"] = std::move(details);
  return {std::move(value), true};
}

// What a failed command said: its stderr without the trailing newline.
std::string ErrorText(const ProcessOutput& output) {
  std::string text = output.err;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (output.timed_out) text += (text.empty() ? "" : "\n") + std::string("(timed out)");
  if (text.empty()) text = "exit code " + std::to_string(output.exit_code);
  return text;
}

std::string StringArgument(const json& arguments, const char* key) {
  const auto it = arguments.find(key);
  return it != arguments.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A workflow's input schema as an MCP inputSchema, whose root must be an object: an object
// schema as it is; none as any object; anything else (a list, a string) under "input".
json WorkflowToolSchema(const json& input_schema, bool& wrapped) {
  wrapped = false;
  if (!input_schema.is_object() || input_schema.empty()) return {{"type", "object"}};
  if (input_schema.value("type", json()) == "object") return input_schema;
  if (!input_schema.contains("type") &&
      (input_schema.contains("properties") || input_schema.contains("required"))) {
    json schema = input_schema;
    schema["type"] = "object";
    return schema;
  }
  wrapped = true;
  return {{"type", "object"},
          {"properties", {{"input", input_schema}}},
          {"required", {"input"}},
          {"additionalProperties", false}};
}

std::vector<Tool> ProjectTools() {
  const json name = StringProperty("The workflow name (its `name:`), e.g. order-clothes");
  const json workflow_id = StringProperty("The workflow id start_workflow returned");
  return {
      {.name = "list_workflows",
       .title = "List workflows",
       .description = "Every workflow definition served from the workflows folder: name, "
                      "version, description, file, sha256. Each is also a tool of its own name "
                      "that starts a run. `broken` lists the files that do not validate, with "
                      "their diagnostics (a file that once loaded keeps its last good version "
                      "served meanwhile).",
       .input_schema = ObjectSchema(json::object()),
       .read_only = true},
      {.name = "describe_workflow",
       .title = "Describe a workflow",
       .description = "One workflow: its input schema, handlers (signals, queries, updates), "
                      "steps (id, kind, path) and its YAML source.",
       .input_schema = ObjectSchema({{"name", name}}, {"name"}),
       .read_only = true},
      {.name = "get_schema",
       .title = "Get a JSON Schema",
       .description = "Without `name`: the JSON Schema of the workflow language (what a "
                      "workflows/*.yaml file may contain). With `name`: that workflow's input "
                      "schema.",
       .input_schema = ObjectSchema({{"name", name}}),
       .read_only = true},
      {.name = "list_activities",
       .title = "List activities",
       .description = "Every activity a `call:` step may use (built-ins, Lua modules of the "
                      "activities folder), with its description and input schema. `broken` "
                      "lists the Lua modules that do not load, with their error (file:line); "
                      "the others work, and a call into a broken module fails with "
                      "LuaModuleError until the file is fixed (write_activity).",
       .input_schema = ObjectSchema(json::object()),
       .read_only = true},
      {.name = "add_temporal_workflow",
       .title = "Scaffold a workflow",
       .description =
           "Writes workflows/<name>.yaml (an input schema, one call step, an output; it "
           "validates as written), by default also the Lua activity it calls "
           "(activities/<module>.lua) and dry-run cases (tests/workflows/<name>.test.yaml). "
           "Never overwrites. The workflow becomes a tool at once. Returns the files and the "
           "next steps.",
       .input_schema = ObjectSchema(
           {{"name", StringProperty("kebab-case: lowercase letters, digits and -, starting "
                                    "with a letter (e.g. send-invoice)")},
            {"description", StringProperty("What the workflow does")},
            {"activity",
             {{"type", "string"},
              {"enum", {"lua", "none"}},
              {"description",
               "lua (default): a Lua activity module; none: the "
               "step calls the built-in log"}}},
            {"test",
             {{"type", "boolean"}, {"description", "Write dry-run test cases (default true)"}}}},
           {"name"})},
      {.name = "validate_workflow",
       .title = "Validate workflows",
       .description =
           "Checks the definition given as `yaml` text (nothing is written), or a definition "
           "file or folder (`path`; default: the workflows folder), or the workflow `name`. "
           "Returns {valid, files: [{file, valid, name, version, sha256, diagnostics: [{code, "
           "file, line, column, path, message, hint}]}]}. isError is true when anything is "
           "invalid.",
       .input_schema = ObjectSchema({{"yaml", StringProperty("A whole definition, as text")},
                                     {"path", StringProperty("A definition file or folder")},
                                     {"name", name}}),
       .read_only = true},
      {.name = "test_workflow",
       .title = "Dry-run test cases",
       .description =
           "Runs test cases (*.test.yaml: input, mocked activity results by step id, signals "
           "and updates, expected output or error and step order) on virtual time, without "
           "running activities. `path`: a test file or folder (default: tests/workflows); or "
           "`name`: tests/workflows/<name>.test.yaml. Returns weft test --json.",
       .input_schema =
           ObjectSchema({{"path", StringProperty("A test file or folder")}, {"name", name}}),
       .read_only = true},
  };
}

}  // namespace

WeftTools::WeftTools(WeftToolsOptions options, std::function<void()> on_tools_changed)
    : options_(std::move(options)),
      authoring_({.workflows_dir = options_.workflows_dir,
                  .activities_dir = options_.activities_dir,
                  .tests_dir = options_.tests_dir}),
      runs_({.client = options_.client,
             .task_queue = options_.task_queue,
             .workflows = options_.workflows_dir}),
      on_tools_changed_(std::move(on_tools_changed)),
      catalog_(options_.workflows_dir) {}

void WeftTools::Rescan() {
  std::lock_guard lock(rescan_mutex_);
  const auto scan = catalog_.Rescan();
  for (const auto& [file, diagnostics] : scan.invalid) {
    spdlog::warn("mcp: {} does not load ({} problems); validate_workflow says which", file.string(),
                 diagnostics.size());
  }
  json published = json::array();
  std::map<std::string, std::shared_ptr<const Tool>> by_name;
  for (Tool& tool : WorkflowTools()) {
    published.push_back({tool.name, tool.description, tool.input_schema});
    std::string name = tool.name;
    by_name.emplace(std::move(name), std::make_shared<const Tool>(std::move(tool)));
  }
  {
    std::lock_guard tools_lock(tools_mutex_);
    workflow_tools_.swap(by_name);
  }
  std::string text = published.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text != published_) {
    const bool first = published_.empty();
    published_ = std::move(text);
    if (!first && on_tools_changed_) {
      spdlog::info("mcp: the workflow tools changed");
      on_tools_changed_();
    }
  }
}

std::vector<Tool> WeftTools::WorkflowTools() {
  std::vector<Tool> tools;
  std::string previous;
  for (const auto& definition : catalog_.List()) {
    // List() gives every version, oldest first per name: the tool runs the newest.
    if (!tools.empty() && previous == definition->name) tools.pop_back();
    previous = definition->name;
    tools.push_back(WorkflowTool(*definition));
  }
  return tools;
}

Tool WeftTools::WorkflowTool(const dsl::Definition& definition) {
  bool wrapped = false;
  return {.name = definition.name,
          .title = "Run " + definition.name,
          .description = "Starts a durable run of the workflow " + definition.name + " v" +
                         std::to_string(definition.version) +
                         (definition.description.empty() ? "" : ": " + definition.description) +
                         ". Returns its workflow_id at once; read the outcome with get_result.",
          .input_schema = WorkflowToolSchema(definition.input_schema, wrapped)};
}

// The tools that are not workflows, in the order tools/list gives them: they never change.
const std::vector<std::shared_ptr<const Tool>>& WeftTools::FixedTools() {
  static const std::vector<std::shared_ptr<const Tool>> tools = [] {
    std::vector<Tool> all = ProjectTools();
    all.push_back(GetReferenceTool());
    for (Tool& tool : RunTools::Tools()) all.push_back(std::move(tool));
    for (Tool& tool : AuthoringTools::Tools()) all.push_back(std::move(tool));
    std::vector<std::shared_ptr<const Tool>> shared;
    for (Tool& tool : all) shared.push_back(std::make_shared<const Tool>(std::move(tool)));
    return shared;
  }();
  return tools;
}

std::vector<Tool> WeftTools::Tools() {
  std::vector<Tool> tools;
  for (const auto& tool : FixedTools()) tools.push_back(*tool);
  for (Tool& tool : WorkflowTools()) tools.push_back(std::move(tool));
  return tools;
}

std::shared_ptr<const Tool> WeftTools::Find(const std::string& name) {
  // Call() tries the fixed tools first, so a workflow of the same name is not this tool.
  for (const auto& tool : FixedTools()) {
    if (tool->name == name) return tool;
  }
  std::lock_guard lock(tools_mutex_);
  const auto found = workflow_tools_.find(name);
  return found == workflow_tools_.end() ? nullptr : found->second;
}

std::optional<ToolResult> WeftTools::Call(const std::string& name, const json& arguments) {
  return Call(name, arguments, [](double, const std::string&) {});
}

std::optional<ToolResult> WeftTools::Call(const std::string& name, const json& arguments,
                                          const ProgressReporter& progress) {
  if (name == "list_workflows") return ListWorkflows();
  if (name == "describe_workflow") return DescribeWorkflow(arguments);
  if (name == "get_schema") return GetSchema(arguments);
  if (name == "list_activities") return ListActivities();
  if (name == "add_temporal_workflow") return AddWorkflow(arguments);
  if (name == "validate_workflow") return ValidateWorkflow(arguments);
  if (name == "test_workflow") return TestWorkflow(arguments);
  if (name == "start_workflow") {
    if (auto refused = Unserved(StringArgument(arguments, "name"))) return refused;
    return runs_.Call(name, arguments, progress);
  }
  if (auto run = runs_.Call(name, arguments, progress)) return run;
  if (name == "get_reference") return GetReference(arguments);
  if (auto written = authoring_.Call(name, arguments)) {
    // Serve a new or changed workflow now rather than at the next tick.
    if (name == "write_workflow" && !written->is_error) Rescan();
    return written;
  }
  const auto definition = catalog_.Find(name);
  if (definition == nullptr) return std::nullopt;
  bool wrapped = false;
  WorkflowToolSchema(definition->input_schema, wrapped);
  return runs_.Start(name, wrapped ? arguments.value("input", json()) : arguments, "");
}

ToolResult WeftTools::ListWorkflows() {
  json list = json::array();
  for (const auto& definition : catalog_.List()) {
    list.push_back({{"name", definition->name},
                    {"version", definition->version},
                    {"description", definition->description},
                    {"file", definition->file},
                    {"sha256", definition->sha256}});
  }
  json broken = json::array();
  for (const auto& [file, diagnostics] : catalog_.Problems()) {
    json entry = {{"file", file.string()}, {"diagnostics", json::array()}};
    for (const dsl::Diagnostic& diagnostic : diagnostics) {
      entry["diagnostics"].push_back(dsl::DiagnosticToJson(diagnostic));
    }
    broken.push_back(std::move(entry));
  }
  json value = {{"workflows", list}};
  if (!broken.empty()) value["broken"] = std::move(broken);
  return {value};
}

ToolResult WeftTools::DescribeWorkflow(const json& arguments) {
  const std::string name = StringArgument(arguments, "name");
  const auto definition = catalog_.Find(name);
  if (definition == nullptr) {
    return Failed(
        "no workflow named `" + name + "` in " + options_.workflows_dir.string() +
        " (list_workflows lists them, and the files that do not validate under `broken`)");
  }
  json steps = json::array();
  // The top-level steps and everything nested, in document order, from the canonical form.
  std::function<void(const dsl::Block&)> walk = [&](const dsl::Block& block) {
    for (const dsl::Step& step : block) {
      steps.push_back(
          {{"id", step.id}, {"kind", dsl::StepKindName(step.kind())}, {"path", step.path}});
      std::visit(
          [&](const auto& body) {
            using Body = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<Body, dsl::SwitchStep>) {
              for (const auto& c : body.cases) walk(c.steps);
              walk(body.default_steps);
            } else if constexpr (std::is_same_v<Body, dsl::ParallelStep>) {
              for (const auto& branch : body.branches) walk(branch.steps);
            } else if constexpr (std::is_same_v<Body, dsl::ForeachStep> ||
                                 std::is_same_v<Body, dsl::WhileStep>) {
              walk(body.steps);
            } else if constexpr (std::is_same_v<Body, dsl::TryStep>) {
              walk(body.steps);
              for (const auto& clause : body.catches) walk(clause.steps);
              walk(body.finally_steps);
            }
          },
          step.body);
    }
  };
  walk(definition->steps);
  json handlers = {
      {"signals", json::array()}, {"queries", json::array()}, {"updates", json::array()}};
  for (const auto& h : definition->signals) {
    handlers["signals"].push_back({{"name", h.name}, {"description", h.description}});
  }
  for (const auto& h : definition->queries) {
    handlers["queries"].push_back({{"name", h.name}, {"description", h.description}});
  }
  for (const auto& h : definition->updates) {
    handlers["updates"].push_back({{"name", h.name}, {"description", h.description}});
  }
  return {{{"name", definition->name},
           {"version", definition->version},
           {"description", definition->description},
           {"file", definition->file},
           {"sha256", definition->sha256},
           {"input_schema", definition->input_schema},
           {"handlers", handlers},
           {"steps", steps},
           {"source", ReadText(definition->file)}}};
}

ToolResult WeftTools::GetSchema(const json& arguments) {
  const std::string name = StringArgument(arguments, "name");
  if (name.empty()) return {{{"schema", json::parse(dsl::WorkflowSchemaText())}}};
  const auto definition = catalog_.Find(name);
  if (definition == nullptr) return Failed("no workflow named `" + name + "`");
  return {{{"name", name}, {"input_schema", definition->input_schema}}};
}

ToolResult WeftTools::ListActivities() {
  auto listed = ListProjectActivities(options_.activities_dir);
  if (!listed) return Failed(listed.error());
  json value = {{"activities", std::move(listed->activities)}};
  if (!listed->broken.empty()) value["broken"] = std::move(listed->broken);
  return {value};
}

ToolResult WeftTools::AddWorkflow(const json& arguments) {
  ScaffoldRequest request{.name = StringArgument(arguments, "name"),
                          .description = StringArgument(arguments, "description"),
                          .lua_activity = StringArgument(arguments, "activity") != "none",
                          .test = arguments.value("test", true),
                          .workflows_dir = options_.workflows_dir,
                          .activities_dir = options_.activities_dir,
                          .tests_dir = options_.tests_dir};
  auto scaffold = ScaffoldWorkflow(request);
  if (!scaffold) return Failed(scaffold.error().message);
  // Serve it now rather than at the next tick, so that list_changed follows this answer.
  Rescan();
  json value = scaffold->ToJson();
  value["tool"] = scaffold->name;
  // The scaffold's next steps are the CLI's; an agent here has the tools.
  value["next_steps"] = {
      "describe_workflow {name: \"" + scaffold->name +
          "\"} shows the file; write_workflow "
          "replaces it (edit the input schema, the steps and the output)",
      "validate_workflow {name: \"" + scaffold->name + "\"} until valid",
      "test_workflow {name: \"" + scaffold->name +
          "\"} dry-runs the cases; write_test "
          "replaces them",
      "the tool `" + scaffold->name + "` starts a durable run; get_result reads its outcome"};
  return {value};
}

ToolResult WeftTools::ValidateWorkflow(const json& arguments) {
  if (arguments.contains("yaml")) {
    if (arguments.contains("path") || arguments.contains("name")) {
      return Failed("validate_workflow takes `yaml`, or `path`, or `name`: one of them");
    }
    json report = authoring_.ValidateText(arguments["yaml"].get<std::string>(), "yaml");
    const bool valid = report["valid"].get<bool>();
    return {std::move(report), !valid};
  }
  std::string path = StringArgument(arguments, "path");
  if (const std::string name = StringArgument(arguments, "name"); path.empty() && !name.empty()) {
    const auto definition = catalog_.Find(name);
    path = definition != nullptr ? definition->file
                                 : (options_.workflows_dir / (name + ".yaml")).string();
  }
  if (path.empty()) path = options_.workflows_dir.string();
  std::vector<std::string> command = {"validate", "--json"};
  std::error_code error;
  if (fs::is_directory(options_.activities_dir, error)) {
    command.insert(command.end(), {"--lua-dir", options_.activities_dir.string()});
  }
  command.push_back(path);
  const ProcessOutput output = RunWeft(options_.weft_binary, command, options_.command_timeout);
  json report = OutputValue(output.out);
  if (!report.is_object()) return Failed(ErrorText(output));
  return {report, output.exit_code != 0};
}

ToolResult WeftTools::TestWorkflow(const json& arguments) {
  std::string path = StringArgument(arguments, "path");
  if (const std::string name = StringArgument(arguments, "name"); path.empty() && !name.empty()) {
    path = (options_.tests_dir / (name + ".test.yaml")).string();
  }
  if (path.empty()) path = options_.tests_dir.string();
  const ProcessOutput output =
      RunWeft(options_.weft_binary,
              {"test", "--json", "--workflows", options_.workflows_dir.string(), path},
              options_.command_timeout);
  json report = OutputValue(output.out);
  if (!report.is_object()) return Failed(ErrorText(output));
  return {report, output.exit_code != 0};
}

std::optional<ToolResult> WeftTools::Unserved(const std::string& name) {
  // The embedded engine runs the folder's definitions; a Temporal worker may serve others.
  if (catalog_.Find(name) != nullptr || temporal()) return std::nullopt;
  return Failed("no workflow named `" + name + "` in " + options_.workflows_dir.string() +
                " (list_workflows lists them, and the files that do not validate under "
                "`broken`)");
}

}  // namespace weft::agents
