// ActivityError: how an activity fails, as a value. It maps 1:1 onto Temporal's Failure with
// ApplicationFailureInfo (type, message, details, non_retryable, next_retry_delay) for
// application errors, and onto TimeoutFailureInfo / CanceledFailureInfo for the two other
// categories. The language's `catch` matches on `type`; a retry policy's
// non_retryable_error_types matches on `type` too. Plain value, safe to copy between threads.
#ifndef WEFT_RUNTIME_ACTIVITY_ACTIVITY_ERROR_H_
#define WEFT_RUNTIME_ACTIVITY_ACTIVITY_ERROR_H_

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace weft::activity {

// Which Temporal failure an ActivityError becomes.
enum class ErrorCategory {
  kApplication,  // ApplicationFailureInfo: the activity failed
  kTimeout,      // TimeoutFailureInfo: the activity ran out of time
  kCancelled,    // CanceledFailureInfo: the activity stopped because it was asked to
};

// Error types that weft itself raises; activities add their own (e.g. "HttpError").
namespace error_type {
inline constexpr std::string_view kActivityNotFound = "ActivityNotFound";
inline constexpr std::string_view kInvalidInput = "InvalidInput";
inline constexpr std::string_view kCancelled = "Cancelled";
inline constexpr std::string_view kTimeout = "Timeout";
inline constexpr std::string_view kInternal = "InternalError";
inline constexpr std::string_view kPluginError = "PluginError";
// An activity's result that cannot be stored or sent as JSON (dsl::InvalidJsonAt).
inline constexpr std::string_view kInvalidResult = "InvalidResult";
}  // namespace error_type

struct ActivityError {
  ErrorCategory category = ErrorCategory::kApplication;
  std::string type;        // e.g. "HttpError"; matched by `catch` and non_retryable_error_types
  std::string message;     // one line for humans
  nlohmann::json details;  // anything structured (null when none): Failure.details
  bool non_retryable = false;
  // When set, the next retry waits exactly this long instead of the policy's backoff.
  std::optional<std::chrono::milliseconds> next_retry_delay;
  std::string stack_trace;  // e.g. a Lua traceback; Failure.stack_trace

  // An application failure that retries under the retry policy.
  static ActivityError Retryable(std::string type, std::string message,
                                 nlohmann::json details = nullptr);
  // An application failure that never retries, whatever the policy says.
  static ActivityError NonRetryable(std::string type, std::string message,
                                    nlohmann::json details = nullptr);
  static ActivityError InvalidInput(std::string message);
  static ActivityError Cancelled(std::string message = "activity cancelled");
  static ActivityError Timeout(std::string message);

  // What FromJson keeps of an error an activity raised, so that one `error({type = <1 MB>})`
  // is not journaled, logged and retried as is: longer text is cut with a note of how much.
  static constexpr std::size_t kMaxTypeBytes = 256;
  static constexpr std::size_t kMaxMessageBytes = 32 * 1024;
  static constexpr std::size_t kMaxStackTraceBytes = 32 * 1024;

  // The value a `catch` block sees: {"type", "message", "details", "non_retryable",
  // "category", "next_retry_delay_ms"?}. FromJson reads it back (a missing type becomes
  // "Error"), so errors survive a round trip through a journal or a plugin.
  nlohmann::json ToJson() const;
  static ActivityError FromJson(const nlohmann::json& value);

  // "HttpError: HTTP 404 from GET http://..." for logs and CLI output.
  std::string Describe() const;
};

std::string_view CategoryName(ErrorCategory category);

// `text` cut to at most `limit` bytes, never inside a UTF-8 sequence, with a note of how many
// bytes were cut: how what an activity writes (an error, a log line) is kept within bounds.
std::string CapText(std::string text, std::size_t limit);

}  // namespace weft::activity

#endif  // WEFT_RUNTIME_ACTIVITY_ACTIVITY_ERROR_H_
