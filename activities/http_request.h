// http.request: an HTTP call through libcurl, the activity most workflows need (and the one
// llm.chat and Lua's weft.http are built on). Input and output are in docs/activities.md.
// A non-2xx answer is an "HttpError" whose details hold the status, headers and body; 4xx are
// non-retryable except 408 and 429; on 429 and 503 a Retry-After header (seconds or an
// HTTP-date) becomes next_retry_delay. Transport failures are "HttpConnectionError" or
// "HttpTimeout" (retryable). Cancellation aborts the transfer. Thread-safe.
#ifndef WEFT_ACTIVITIES_HTTP_REQUEST_H_
#define WEFT_ACTIVITIES_HTTP_REQUEST_H_

#include <chrono>
#include <optional>
#include <string_view>

#include "runtime/activity/activity.h"

namespace weft::activities {

activity::ActivityResult HttpRequest(const nlohmann::json& input,
                                     activity::ActivityContext& context);
activity::ActivityDefinition HttpRequestActivity();

// "120" or "Wed, 21 Oct 2015 07:28:00 GMT" (relative to `now`); nullopt when unreadable.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

}  // namespace weft::activities

#endif  // WEFT_ACTIVITIES_HTTP_REQUEST_H_
