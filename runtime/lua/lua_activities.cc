#include "runtime/lua/lua_activities.h"

#include <algorithm>
#include <atomic>
#include <unordered_map>
#include <utility>

namespace weft::lua {
namespace {

std::atomic<std::uint64_t> next_id{1};

}  // namespace

std::shared_ptr<LuaActivities> LuaActivities::Create(LuaSandboxOptions options) {
  return std::shared_ptr<LuaActivities>(new LuaActivities(std::move(options)));
}

LuaActivities::LuaActivities(LuaSandboxOptions options)
    : options_(std::move(options)), id_(next_id.fetch_add(1)) {}

LuaSandbox& LuaActivities::SandboxForThisThread() {
  // Keyed by a never-reused id rather than `this`, so that a new LuaActivities at the address
  // of a destroyed one never inherits its sandboxes.
  thread_local std::unordered_map<std::uint64_t, std::unique_ptr<LuaSandbox>> sandboxes;
  auto& sandbox = sandboxes[id_];
  if (!sandbox) sandbox = std::make_unique<LuaSandbox>(options_);
  return *sandbox;
}

activity::ActivityResult LuaActivities::Call(std::string_view module, std::string_view function,
                                             const nlohmann::json& input,
                                             activity::ActivityContext& context) {
  return SandboxForThisThread().Call(module, function, input, context);
}

activity::ActivityResult LuaActivities::RunSource(std::string_view source,
                                                  std::string_view chunk_name,
                                                  const nlohmann::json& input,
                                                  activity::ActivityContext& context) {
  return SandboxForThisThread().RunSource(source, chunk_name, input, context);
}

std::expected<std::vector<std::string>, activity::ActivityError> LuaActivities::RegisterAll(
    activity::ActivityRegistry& registry) {
  using activity::ActivityDefinition;
  using activity::ActivityError;
  std::vector<std::string> names;
  std::shared_ptr<LuaActivities> self = shared_from_this();

  ActivityDefinition inline_definition{
      .name = std::string(kInlineActivityName),
      .description = "Runs an inline Lua chunk in the sandbox; `input` is its argument",
      .input_schema = nlohmann::json::parse(R"({
        "type": "object", "required": ["source"],
        "properties": {"source": {"type": "string"}, "input": {},
                       "name": {"type": "string"}}})"),
      .function = [self](const nlohmann::json& input,
                         activity::ActivityContext& context) -> activity::ActivityResult {
        if (!input.is_object() || !input.contains("source") || !input["source"].is_string()) {
          return std::unexpected(ActivityError::InvalidInput("lua.inline needs a string `source`"));
        }
        std::string name = input.value("name", std::string("inline"));
        return self->RunSource(input["source"].get_ref<const std::string&>(), name,
                               input.value("input", nlohmann::json()), context);
      }};
  if (!registry.Find(kInlineActivityName)) {
    if (auto registered = registry.Register(std::move(inline_definition)); !registered) {
      return std::unexpected(registered.error());
    }
    names.emplace_back(kInlineActivityName);
  }

  if (options_.module_dir.empty()) return names;
  std::error_code failed;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(options_.module_dir, failed)) {
    if (entry.path().extension() == ".lua") files.push_back(entry.path());
  }
  if (failed) {
    return std::unexpected(ActivityError::NonRetryable(
        std::string(error_type::kModuleNotFound),
        "cannot read the Lua directory " + options_.module_dir.string() + ": " + failed.message()));
  }
  std::sort(files.begin(), files.end());
  LuaSandbox& sandbox = SandboxForThisThread();
  for (const auto& file : files) {
    std::string module = file.stem().string();
    auto functions = sandbox.Describe(module);
    if (!functions) return std::unexpected(functions.error());
    for (auto& info : *functions) {
      std::string function = info.name;
      ActivityDefinition definition{
          .name = module + "." + function,
          .description = std::move(info.description),
          .input_schema = std::move(info.input_schema),
          .source = activity::ActivitySource::kLua,
          .origin = file.string(),
          .function = [self, module, function](const nlohmann::json& input,
                                               activity::ActivityContext& context) {
            return self->Call(module, function, input, context);
          }};
      std::string name = definition.name;
      if (auto registered = registry.Register(std::move(definition)); !registered) {
        return std::unexpected(registered.error());
      }
      names.push_back(std::move(name));
    }
  }
  return names;
}

}  // namespace weft::lua
