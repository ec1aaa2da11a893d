#include "runtime/activity/plugin_loader.h"

#include <dlfcn.h>

#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "runtime/activity/plugin_abi.h"

// The opaque ABI types are, on the host side, these.
struct weft_outcome {
  std::optional<weft::activity::ActivityResult> result;
};

namespace weft::activity {
namespace {

ActivityContext& ContextOf(weft_context* context) {
  return *reinterpret_cast<ActivityContext*>(context);
}

std::optional<nlohmann::json> ParseJson(const char* text, size_t size) {
  if (text == nullptr) return std::nullopt;
  auto value = nlohmann::json::parse(text, text + size, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

int HostSetResult(weft_outcome* outcome, const char* json, size_t size) {
  try {
    auto value = ParseJson(json, size);
    if (!value) {
      outcome->result = std::unexpected(ActivityError::Retryable(
          std::string(error_type::kPluginError), "the plugin's result is not valid JSON"));
      return 1;
    }
    outcome->result = std::move(*value);
    return 0;
  } catch (...) {
    return 1;
  }
}

void HostSetError(weft_outcome* outcome, const char* type, const char* message,
                  const char* details_json, int non_retryable, int64_t next_retry_delay_ms) {
  try {
    ActivityError error;
    error.type = type != nullptr && *type != '\0' ? type : "Error";
    error.message = message != nullptr ? message : "";
    if (details_json != nullptr) {
      auto details = ParseJson(details_json, std::char_traits<char>::length(details_json));
      error.details = details ? std::move(*details) : nlohmann::json(details_json);
    }
    error.non_retryable = non_retryable != 0;
    if (next_retry_delay_ms >= 0) {
      error.next_retry_delay = std::chrono::milliseconds(next_retry_delay_ms);
    }
    outcome->result = std::unexpected(std::move(error));
  } catch (...) {
  }
}

void HostHeartbeat(weft_context* context, const char* details_json) {
  try {
    nlohmann::json details;
    if (details_json != nullptr) {
      auto parsed = ParseJson(details_json, std::char_traits<char>::length(details_json));
      details = parsed ? std::move(*parsed) : nlohmann::json(details_json);
    }
    ContextOf(context).Heartbeat(details);
  } catch (...) {
  }
}

int HostIsCancelled(weft_context* context) { return ContextOf(context).IsCancelled() ? 1 : 0; }

void HostLog(weft_context* context, int level, const char* message) {
  try {
    auto log_level = level <= WEFT_LOG_DEBUG  ? LogLevel::kDebug
                     : level == WEFT_LOG_INFO ? LogLevel::kInfo
                     : level == WEFT_LOG_WARN ? LogLevel::kWarn
                                              : LogLevel::kError;
    ContextOf(context).Log(log_level, message != nullptr ? message : "");
  } catch (...) {
  }
}

int HostWaitForCancel(weft_context* context, int64_t timeout_ms) {
  try {
    return ContextOf(context).WaitForCancel(std::chrono::milliseconds(timeout_ms)) ? 1 : 0;
  } catch (...) {
    return HostIsCancelled(context);
  }
}

int32_t HostAttempt(weft_context* context) { return ContextOf(context).Info().attempt; }

// What register_activity needs while weft_plugin_register runs.
struct Registration {
  ActivityRegistry* registry;
  std::string origin;
  std::vector<std::string> names;
  std::optional<ActivityError> error;
};

ActivityFunction PluginFunction(weft_activity_fn fn, void* user_data, std::string name);

int HostRegisterActivity(void* host_data, const char* name, const char* description,
                         const char* input_schema_json, weft_activity_fn fn, void* user_data) {
  if (host_data == nullptr) return 1;  // called after weft_plugin_register returned
  auto& registration = *static_cast<Registration*>(host_data);
  try {
    if (name == nullptr || fn == nullptr) {
      registration.error = ActivityError::NonRetryable(
          std::string(error_type::kPluginError),
          registration.origin + ": register_activity needs a name and a function");
      return 1;
    }
    ActivityDefinition definition{.name = name,
                                  .description = description != nullptr ? description : "",
                                  .source = ActivitySource::kPlugin,
                                  .origin = registration.origin,
                                  .function = PluginFunction(fn, user_data, name)};
    if (input_schema_json != nullptr) {
      auto schema = ParseJson(input_schema_json, std::char_traits<char>::length(input_schema_json));
      if (!schema) {
        registration.error = ActivityError::NonRetryable(
            std::string(error_type::kPluginError), registration.origin + ": the input schema of '" +
                                                       definition.name + "' is not valid JSON");
        return 1;
      }
      definition.input_schema = std::move(*schema);
    }
    if (auto registered = registration.registry->Register(std::move(definition)); !registered) {
      registration.error =
          ActivityError::NonRetryable(std::string(error_type::kPluginError),
                                      registration.origin + ": " + registered.error().message);
      return 1;
    }
    registration.names.emplace_back(name);
    return 0;
  } catch (...) {
    return 1;
  }
}

const weft_host kHost = {
    .abi_version = WEFT_PLUGIN_ABI_VERSION,
    .host_data = nullptr,
    .register_activity = HostRegisterActivity,
    .set_result = HostSetResult,
    .set_error = HostSetError,
    .heartbeat = HostHeartbeat,
    .is_cancelled = HostIsCancelled,
    .log = HostLog,
    .wait_for_cancel = HostWaitForCancel,
    .attempt = HostAttempt,
};

ActivityFunction PluginFunction(weft_activity_fn fn, void* user_data, std::string name) {
  return [fn, user_data, name = std::move(name)](const nlohmann::json& input,
                                                 ActivityContext& context) -> ActivityResult {
    std::string text = input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    weft_outcome outcome;
    fn(user_data, text.c_str(), text.size(), reinterpret_cast<weft_context*>(&context), &outcome);
    if (!outcome.result) {
      return std::unexpected(ActivityError::Retryable(
          std::string(error_type::kPluginError),
          "plugin activity '" + name + "' returned without a result or an error"));
    }
    return std::move(*outcome.result);
  };
}

ActivityError PluginError(const std::filesystem::path& path, const std::string& why) {
  return ActivityError::NonRetryable(std::string(error_type::kPluginError),
                                     "plugin " + path.string() + ": " + why);
}

}  // namespace

std::expected<std::vector<std::string>, ActivityError> LoadPlugin(const std::filesystem::path& path,
                                                                  ActivityRegistry& registry) {
  // dlopen searches the library path for a bare name; a plugin is always a file we name.
  std::filesystem::path file = path.has_parent_path() ? path : std::filesystem::path(".") / path;
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return std::unexpected(
        PluginError(path, std::string("cannot be loaded: ") + (why ? why : "unknown error")));
  }
  // From here on the library stays loaded, even on error: dlclose is unsafe once any of its
  // code may have registered something, and a failed start ends the process anyway.
  auto version_fn =
      reinterpret_cast<weft_plugin_abi_version_fn>(dlsym(handle, "weft_plugin_abi_version"));
  auto register_fn =
      reinterpret_cast<weft_plugin_register_fn>(dlsym(handle, "weft_plugin_register"));
  if (version_fn == nullptr || register_fn == nullptr) {
    return std::unexpected(PluginError(
        path, std::string("is not a weft plugin: it does not export ") +
                  (version_fn == nullptr ? "weft_plugin_abi_version" : "weft_plugin_register") +
                  " (see runtime/activity/plugin_abi.h)"));
  }
  if (uint32_t version = version_fn(); version != WEFT_PLUGIN_ABI_VERSION) {
    return std::unexpected(PluginError(
        path, "was built for plugin ABI version " + std::to_string(version) +
                  ", this weft speaks version " + std::to_string(WEFT_PLUGIN_ABI_VERSION) +
                  "; rebuild it against this weft's runtime/activity/plugin_abi.h"));
  }
  Registration registration{.registry = &registry, .origin = path.string()};
  // The plugin may keep `host` to reach set_result, heartbeat, ... later, so it lives as long
  // as the plugin does: for the rest of the process. Held by a list that is never freed (not
  // destroyed at exit either, while a plugin's thread may still use its host), so that the
  // memory has an owner: LeakSanitizer reported each host as leaked when a plugin kept none.
  static auto* const hosts = new std::vector<std::unique_ptr<weft_host>>;
  static std::mutex hosts_mutex;
  weft_host* host = nullptr;
  {
    std::lock_guard lock(hosts_mutex);
    host = hosts->emplace_back(std::make_unique<weft_host>(kHost)).get();
  }
  host->host_data = &registration;
  int status = register_fn(host);
  host->host_data = nullptr;  // registering is over
  if (registration.error) return std::unexpected(std::move(*registration.error));
  if (status != 0) {
    return std::unexpected(PluginError(
        path, "weft_plugin_register refused to load (returned " + std::to_string(status) + ")"));
  }
  return std::move(registration.names);
}

}  // namespace weft::activity
