/* The C ABI between weft and an activity plugin (a shared library loaded with --plugin).
 * Plain C, so that a plugin can be written in C, C++, Rust or anything with a C FFI, and
 * built with a different compiler than weft.
 *
 * A plugin exports two functions:
 *
 *   uint32_t weft_plugin_abi_version(void);
 *       returns WEFT_PLUGIN_ABI_VERSION as the plugin saw it when it was compiled; weft
 *       refuses a plugin whose version differs from its own.
 *   int weft_plugin_register(const weft_host* host);
 *       calls host->register_activity once per activity; returns 0, or non-zero to refuse
 *       loading (weft reports the plugin as failed). `host` stays valid for the life of the
 *       process, so the plugin may keep it; register_activity works only during this call.
 *
 * An activity is a weft_activity_fn. It receives its input as UTF-8 JSON text and reports
 * exactly one outcome through the host: host->set_result (JSON text) or host->set_error,
 * then returns. weft copies what it is given; the plugin keeps ownership of its buffers.
 * Activity functions may run on several threads at once. The weft_context and weft_outcome
 * pointers are valid only during the call. A plugin is never unloaded.
 */
#ifndef WEFT_RUNTIME_ACTIVITY_PLUGIN_ABI_H_
#define WEFT_RUNTIME_ACTIVITY_PLUGIN_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_PLUGIN_ABI_VERSION 1u

typedef struct weft_context weft_context; /* the running activity's ActivityContext */
typedef struct weft_outcome weft_outcome; /* where the activity's result or error goes */

typedef void (*weft_activity_fn)(void* user_data, const char* input_json, size_t input_size,
                                 weft_context* context, weft_outcome* outcome);

enum weft_log_level {
  WEFT_LOG_DEBUG = 0,
  WEFT_LOG_INFO = 1,
  WEFT_LOG_WARN = 2,
  WEFT_LOG_ERROR = 3
};

typedef struct weft_host {
  uint32_t abi_version; /* WEFT_PLUGIN_ABI_VERSION of the host */
  void* host_data;      /* pass back to register_activity */

  /* Registers `name` ("<group>.<name>"). description may be NULL; input_schema_json is a
   * JSON Schema as text, or NULL. Returns 0, or non-zero if the name is invalid or taken. */
  int (*register_activity)(void* host_data, const char* name, const char* description,
                           const char* input_schema_json, weft_activity_fn fn, void* user_data);

  /* The outcome: call one of these exactly once. Returns 0, or non-zero if the JSON does not
   * parse (the activity then fails with type "PluginError"). */
  int (*set_result)(weft_outcome* outcome, const char* json, size_t size);
  /* type: the error type `catch` matches; details_json may be NULL; next_retry_delay_ms < 0
   * means none. */
  void (*set_error)(weft_outcome* outcome, const char* type, const char* message,
                    const char* details_json, int non_retryable, int64_t next_retry_delay_ms);

  /* The context. */
  void (*heartbeat)(weft_context* context, const char* details_json);
  int (*is_cancelled)(weft_context* context);
  void (*log)(weft_context* context, int level, const char* message);
  /* Milliseconds: waits until cancelled or the time passes; returns is_cancelled. */
  int (*wait_for_cancel)(weft_context* context, int64_t timeout_ms);
  /* The attempt number, 1 on the first try. */
  int32_t (*attempt)(weft_context* context);
} weft_host;

typedef uint32_t (*weft_plugin_abi_version_fn)(void);
typedef int (*weft_plugin_register_fn)(const weft_host* host);

/* The two entry points a plugin defines (declared here so that its definitions are checked). */
uint32_t weft_plugin_abi_version(void);
int weft_plugin_register(const weft_host* host);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_RUNTIME_ACTIVITY_PLUGIN_ABI_H_ */
