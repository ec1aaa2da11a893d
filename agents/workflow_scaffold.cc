#include "agents/workflow_scaffold.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "agents/workflow_templates.h"
#include "dsl/loader.h"

namespace weft::agents {
namespace {

namespace fs = std::filesystem;

// A YAML double-quoted scalar: JSON's string syntax is a subset of it.
std::string QuotedYaml(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ErrnoText(int error) { return std::strerror(error); }

// Writes `text` to `path` only if nothing is there, whole or not at all (see the header).
std::expected<void, ScaffoldError> CreateFileAtomically(const fs::path& path,
                                                        std::string_view text) {
  const fs::path temporary =
      path.parent_path() / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return std::unexpected(ScaffoldError{
        ScaffoldError::Kind::kIo, "cannot write " + temporary.string() + ": " + ErrnoText(errno)});
  }
  std::size_t written = 0;
  int write_error = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      write_error = errno;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (write_error == 0 && ::fsync(fd) != 0) write_error = errno;
  ::close(fd);
  if (write_error != 0) {
    ::unlink(temporary.c_str());
    return std::unexpected(
        ScaffoldError{ScaffoldError::Kind::kIo,
                      "cannot write " + temporary.string() + ": " + ErrnoText(write_error)});
  }
  const int linked = ::link(temporary.c_str(), path.c_str());
  const int link_error = errno;
  ::unlink(temporary.c_str());
  if (linked != 0) {
    if (link_error == EEXIST) {
      return std::unexpected(ScaffoldError{
          ScaffoldError::Kind::kExists,
          path.string() + " already exists; weft new never overwrites (pick another name or "
                          "edit that file)"});
    }
    return std::unexpected(ScaffoldError{
        ScaffoldError::Kind::kIo, "cannot create " + path.string() + ": " + ErrnoText(link_error)});
  }
  return {};
}

// The loader decides what a workflow name is: the scaffold renders its own template with the
// name as a quoted string (so any text is safe to try) and asks the loader about it.
std::expected<void, ScaffoldError> CheckArguments(const ScaffoldRequest& request,
                                                  TemplateValues values) {
  values.name = QuotedYaml(request.name);
  values.workflow_file = "the file";  // comments: a name with a newline must not end them
  auto loaded = dsl::LoadDefinition(WorkflowTemplate(values), {.file = "weft new"});
  if (loaded) return {};
  std::string message;
  for (const dsl::Diagnostic& diagnostic : loaded.error()) {
    if (!message.empty()) message += "; ";
    if (diagnostic.path == "/name") {
      message += "invalid workflow name " + QuotedYaml(request.name) + ": " + diagnostic.message +
                 " (lowercase letters, digits and `-`, starting with a letter, at most 63 "
                 "characters, e.g. `order-clothes`)";
    } else if (diagnostic.path == "/description") {
      message += "invalid description: " + diagnostic.message;
    } else {
      message += "[" + diagnostic.code + "] " + diagnostic.path + ": " + diagnostic.message;
    }
  }
  return std::unexpected(ScaffoldError{ScaffoldError::Kind::kInvalidArgument, message});
}

std::expected<void, ScaffoldError> CreateFolder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    return std::unexpected(ScaffoldError{
        ScaffoldError::Kind::kIo, "cannot create " + folder.string() + ": " + error.message()});
  }
  return {};
}

}  // namespace

std::string LuaModuleName(const std::string& workflow_name) {
  std::string module = workflow_name;
  for (char& c : module) {
    if (c == '-') c = '_';
  }
  return module;
}

nlohmann::json Scaffold::ToJson() const {
  nlohmann::json out = {{"name", name},
                        {"activity", activity},
                        {"files", nlohmann::json::array()},
                        {"next_steps", next_steps}};
  for (const ScaffoldedFile& file : files) {
    out["files"].push_back({{"path", file.path.string()}, {"role", file.role}});
  }
  return out;
}

std::string Scaffold::Text() const {
  std::string text;
  for (const ScaffoldedFile& file : files) {
    text += "created " + file.path.string() + " (" + file.role + ")\n";
  }
  text += "\nNext steps:\n";
  int number = 1;
  for (const std::string& step : next_steps) {
    text += "  " + std::to_string(number++) + ". " + step + "\n";
  }
  return text;
}

int ScaffoldError::ExitCode() const {
  switch (kind) {
    case Kind::kInvalidArgument:
      return 2;
    case Kind::kExists:
      return 3;
    case Kind::kIo:
      return 1;
  }
  return 1;
}

std::string_view ScaffoldError::KindName() const {
  switch (kind) {
    case Kind::kInvalidArgument:
      return "invalid_argument";
    case Kind::kExists:
      return "exists";
    case Kind::kIo:
      return "io";
  }
  return "io";
}

nlohmann::json ScaffoldError::ToJson() const {
  return {{"created", false}, {"error", KindName()}, {"message", message}};
}

std::expected<Scaffold, ScaffoldError> ScaffoldWorkflow(const ScaffoldRequest& request) {
  const std::string module = LuaModuleName(request.name);
  const fs::path workflow_file = request.workflows_dir / (request.name + ".yaml");
  const fs::path activity_file = request.activities_dir / (module + ".lua");
  const fs::path test_file = request.tests_dir / (request.name + ".test.yaml");

  const fs::path test_folder = fs::absolute(request.tests_dir).lexically_normal();
  const fs::path workflow_absolute = fs::absolute(workflow_file).lexically_normal();
  TemplateValues values{
      .name = request.name,
      .description_yaml =
          QuotedYaml(request.description.empty()
                         ? "Scaffolded by weft new: say what " + request.name + " does."
                         : request.description),
      .activity = request.lua_activity ? module + ".process" : "log",
      .lua_module = module,
      .workflow_file = workflow_file.string(),
      .test_file = test_file.string(),
      .workflow_ref = QuotedYaml(workflow_absolute.lexically_relative(test_folder).string())};
  if (auto checked = CheckArguments(request, values); !checked) {
    return std::unexpected(checked.error());
  }

  // Refuse before writing anything, so that a refusal leaves no half scaffold behind. The
  // atomic link below still refuses if another writer wins the race.
  std::vector<std::pair<fs::path, std::string>> plan;
  if (request.lua_activity) plan.emplace_back(activity_file, "activity");
  if (request.test) plan.emplace_back(test_file, "test");
  plan.emplace_back(workflow_file, "workflow");  // last: see the header
  for (const auto& [path, role] : plan) {
    std::error_code error;
    if (fs::exists(fs::symlink_status(path, error))) {
      return std::unexpected(ScaffoldError{
          ScaffoldError::Kind::kExists,
          path.string() + " already exists; weft new never overwrites (pick another name or "
                          "edit that file)"});
    }
  }

  Scaffold scaffold{.name = request.name, .activity = values.activity};
  for (const auto& [path, role] : plan) {
    if (auto made = CreateFolder(path.parent_path().empty() ? fs::path(".") : path.parent_path());
        !made) {
      return std::unexpected(made.error());
    }
    const std::string text = role == "workflow"   ? WorkflowTemplate(values)
                             : role == "activity" ? LuaActivityTemplate(values)
                                                  : WorkflowTestTemplate(values);
    if (auto created = CreateFileAtomically(path, text); !created) {
      return std::unexpected(created.error());
    }
    scaffold.files.push_back({path, role});
  }

  const std::string lua_dir_flag = request.lua_activity && request.activities_dir != "activities"
                                       ? " --lua-dir " + request.activities_dir.string()
                                       : "";
  const std::string workflows_flag =
      request.workflows_dir != "workflows" ? " --workflows " + request.workflows_dir.string() : "";
  const std::string input = R"('{"message": "hello"}')";
  scaffold.next_steps.push_back("Edit " + workflow_file.string() +
                                ": the input schema, the steps and the output (docs/language.md; "
                                "`weft schema` prints the JSON Schema)" +
                                (request.lua_activity
                                     ? ", and the activity " + values.activity + " in " +
                                           activity_file.string() + " (docs/activities.md)"
                                     : ""));
  scaffold.next_steps.push_back("Validate: weft validate " + workflow_file.string() + lua_dir_flag +
                                " --json");
  if (request.test) {
    scaffold.next_steps.push_back("Dry-run with mocked activities: weft test " +
                                  test_file.string());
  } else {
    scaffold.next_steps.push_back(
        "Dry-run: write test cases (weft new --test writes an example) and run weft test");
  }
  scaffold.next_steps.push_back("Run it here: weft run " + request.name + workflows_flag +
                                " --input " + input);
  scaffold.next_steps.push_back("Or on Temporal: weft start " + request.name + " --input " + input +
                                " --task-queue weft --address localhost:7233");
  scaffold.next_steps.push_back(
      "Running workers and `weft mcp` load new files in " + request.workflows_dir.string() +
      " without a restart; in `weft mcp` it becomes the tool " + request.name);
  return scaffold;
}

}  // namespace weft::agents
