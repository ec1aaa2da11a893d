#include "runtime/lua/lua_activities.h"

#include <algorithm>
#include <atomic>
#include <cctype>
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

LuaSandbox& LuaActivities::SandboxForThisThread() const {
  // Keyed by a never-reused id rather than `this`, so that a new LuaActivities at the address
  // of a destroyed one never inherits its sandboxes.
  thread_local std::unordered_map<std::uint64_t, std::unique_ptr<LuaSandbox>> sandboxes;
  auto& sandbox = sandboxes[id_];
  if (!sandbox) sandbox = std::make_unique<LuaSandbox>(options_);
  return *sandbox;
}

activity::ActivityResult LuaActivities::Call(std::string_view module, std::string_view function,
                                             const nlohmann::json& input,
                                             activity::ActivityContext& context) const {
  return SandboxForThisThread().Call(module, function, input, context);
}

activity::ActivityResult LuaActivities::RunSource(std::string_view source,
                                                  std::string_view chunk_name,
                                                  const nlohmann::json& input,
                                                  activity::ActivityContext& context) const {
  return SandboxForThisThread().RunSource(source, chunk_name, input, context);
}

bool LuaActivities::Serves(std::string_view name) const {
  if (options_.module_dir.empty()) return false;
  const auto dot = name.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return false;
  const std::string_view module = name.substr(0, dot);
  // Module names are Lua identifiers (the sandbox refuses others), so this never leaves the
  // folder.
  for (char c : module) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  std::error_code failed;
  return std::filesystem::is_regular_file(options_.module_dir / (std::string(module) + ".lua"),
                                          failed);
}

activity::ActivityResult LuaActivities::Execute(std::string_view name, const nlohmann::json& input,
                                                activity::ActivityContext& context) const {
  const auto dot = name.find('.');
  return Call(name.substr(0, dot), name.substr(dot + 1), input, context);
}

std::expected<LuaRegistration, activity::ActivityError> LuaActivities::RegisterAll(
    activity::ActivityRegistry& registry) {
  using activity::ActivityDefinition;
  using activity::ActivityError;
  LuaRegistration registration;
  std::vector<std::string>& names = registration.names;
  std::shared_ptr<LuaActivities> self = shared_from_this();
  registry.SetDynamic(self);

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

  if (options_.module_dir.empty()) return registration;
  std::error_code failed;
  // A folder that does not exist yet holds no modules yet: the first one written is served by
  // its first call (Serves), like any module added later.
  if (!std::filesystem::exists(options_.module_dir, failed) && !failed) return registration;
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
    if (!functions) {
      registration.broken.push_back({module, file, std::move(functions.error())});
      continue;
    }
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
  return registration;
}

}  // namespace weft::lua
