#include "activities/http_request.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>

#include "activities/curl_library.h"

namespace weft::activities {
namespace {

using activity::ActivityError;
using activity::ActivityResult;

constexpr std::size_t kDefaultMaxResponseBytes = 16 * 1024 * 1024;
constexpr std::size_t kBodyInErrorDetails = 64 * 1024;

struct Transfer {
  activity::ActivityContext* context;
  std::string body;
  std::size_t max_body;
  bool too_large = false;
  std::map<std::string, std::string> headers;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  std::size_t bytes = size * count;
  if (transfer.body.size() + bytes > transfer.max_body) {
    transfer.too_large = true;
    return 0;  // aborts the transfer
  }
  transfer.body.append(data, bytes);
  return bytes;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    transfer.headers.clear();  // a new response (after a redirect or 100-continue)
    return size * count;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  auto [it, inserted] = transfer.headers.emplace(name, std::string(value));
  if (!inserted) it->second += ", " + std::string(value);
  return size * count;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& transfer = *static_cast<Transfer*>(user);
  return transfer.context->IsCancelled() ? 1 : 0;
}

bool IsJsonContentType(const std::string& type) { return type.find("json") != std::string::npos; }

std::optional<std::string> StringField(const nlohmann::json& input, const char* key) {
  auto it = input.find(key);
  if (it == input.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  auto curl = CurlLibrary::Get();
  if (!curl) return std::nullopt;  // http.request, the only caller, has already said why
  time_t when = (*curl)->getdate(std::string(value).c_str(), nullptr);
  if (when == -1) return std::nullopt;
  auto delay = std::chrono::system_clock::from_time_t(when) - now;
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(delay));
}

ActivityResult HttpRequest(const nlohmann::json& input, activity::ActivityContext& context) {
  if (!input.is_object())
    return std::unexpected(
        ActivityError::InvalidInput("http.request: the input must be an object"));
  auto url = StringField(input, "url");
  if (!url) return std::unexpected(ActivityError::InvalidInput("http.request: `url` is required"));
  std::string method = StringField(input, "method").value_or("GET");
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  double timeout_seconds = 30;
  if (auto it = input.find("timeout"); it != input.end()) {
    if (!it->is_number() || it->get<double>() <= 0) {
      return std::unexpected(
          ActivityError::InvalidInput("http.request: `timeout` is seconds, > 0"));
    }
    timeout_seconds = it->get<double>();
  }
  std::size_t max_body = kDefaultMaxResponseBytes;
  if (auto it = input.find("max_response_bytes"); it != input.end() && it->is_number_unsigned()) {
    max_body = it->get<std::size_t>();
  }

  std::string body;
  bool has_body = false;
  bool json_body = false;
  if (auto it = input.find("json"); it != input.end()) {
    body = it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    has_body = json_body = true;
  } else if (auto text = StringField(input, "body")) {
    body = *text;
    has_body = true;
  } else if (input.contains("body") && !input["body"].is_null()) {
    return std::unexpected(ActivityError::InvalidInput(
        "http.request: `body` must be a string (use `json` for a JSON body)"));
  }

  auto library = CurlLibrary::Get();
  if (!library) {
    // Retried: installing libcurl mends the next attempt.
    return std::unexpected(
        ActivityError::Retryable(std::string(activity::error_type::kInternal), library.error()));
  }
  const CurlLibrary& lib = **library;
  std::unique_ptr<CURL, decltype(lib.easy_cleanup)> curl(lib.easy_init(), lib.easy_cleanup);
  if (!curl) {
    return std::unexpected(ActivityError::Retryable(std::string(activity::error_type::kInternal),
                                                    "http.request: curl_easy_init failed"));
  }
  curl_slist* raw_headers = nullptr;
  bool has_content_type = false;
  if (auto it = input.find("headers"); it != input.end() && it->is_object()) {
    for (const auto& [name, value] : it->items()) {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower == "content-type") has_content_type = true;
      raw_headers = lib.slist_append(raw_headers, (name + ": " + text).c_str());
    }
  }
  if (json_body && !has_content_type) {
    raw_headers = lib.slist_append(raw_headers, "Content-Type: application/json");
  }
  std::unique_ptr<curl_slist, decltype(lib.slist_free_all)> headers(raw_headers,
                                                                    lib.slist_free_all);

  Transfer transfer{.context = &context, .max_body = max_body};
  CURL* handle = curl.get();
  lib.easy_setopt(handle, CURLOPT_URL, url->c_str());
  lib.easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  lib.easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  lib.easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
  lib.easy_setopt(handle, CURLOPT_MAXREDIRS, 5L);
  lib.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_seconds * 1000));
  lib.easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") lib.easy_setopt(handle, CURLOPT_NOBODY, 1L);
  if (has_body) {
    lib.easy_setopt(handle, CURLOPT_POSTFIELDS, body.data());
    lib.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  lib.easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  lib.easy_setopt(handle, CURLOPT_WRITEFUNCTION, OnBody);
  lib.easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  lib.easy_setopt(handle, CURLOPT_HEADERFUNCTION, OnHeader);
  lib.easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
  lib.easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  lib.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, OnProgress);
  lib.easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);

  CURLcode code = lib.easy_perform(handle);
  std::string where = method + " " + *url;
  if (code != CURLE_OK) {
    if (code == CURLE_ABORTED_BY_CALLBACK && context.IsCancelled()) {
      return std::unexpected(ActivityError::Cancelled("http.request cancelled: " + where));
    }
    if (transfer.too_large) {
      return std::unexpected(ActivityError::NonRetryable(
          "HttpResponseTooLarge",
          where + ": the response is larger than " + std::to_string(max_body) + " bytes"));
    }
    nlohmann::json details = {{"curl_code", static_cast<int>(code)},
                              {"curl_error", lib.easy_strerror(code)}};
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return std::unexpected(ActivityError::Retryable(
          "HttpTimeout",
          where + " took longer than " + nlohmann::json(timeout_seconds).dump() + " s",
          std::move(details)));
    }
    if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
      return std::unexpected(
          ActivityError::InvalidInput("http.request: " + where + ": " + lib.easy_strerror(code)));
    }
    return std::unexpected(ActivityError::Retryable(
        "HttpConnectionError", where + ": " + lib.easy_strerror(code), std::move(details)));
  }

  long status = 0;
  lib.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  nlohmann::json response = {
      {"status", status}, {"headers", transfer.headers}, {"body", transfer.body}};
  auto content_type = transfer.headers.find("content-type");
  if (content_type != transfer.headers.end() && IsJsonContentType(content_type->second)) {
    auto parsed = nlohmann::json::parse(transfer.body, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) response["json"] = std::move(parsed);
  }
  if (status >= 200 && status < 300) return response;

  if (response["body"].get_ref<const std::string&>().size() > kBodyInErrorDetails) {
    response["body"] = transfer.body.substr(0, kBodyInErrorDetails);
    response["body_truncated"] = true;
  }
  bool client_error = status >= 400 && status < 500;
  bool retryable = !client_error || status == 408 || status == 429;
  ActivityError error{.type = "HttpError",
                      .message = "HTTP " + std::to_string(status) + " from " + where,
                      .details = std::move(response),
                      .non_retryable = !retryable};
  if (status == 429 || status == 503) {
    if (auto retry_after = transfer.headers.find("retry-after");
        retry_after != transfer.headers.end()) {
      error.next_retry_delay =
          ParseRetryAfter(retry_after->second, std::chrono::system_clock::now());
    }
  }
  return std::unexpected(std::move(error));
}

activity::ActivityDefinition HttpRequestActivity() {
  return {.name = "http.request",
          .description = "Sends an HTTP request (libcurl); a non-2xx answer is an HttpError",
          .input_schema = nlohmann::json::parse(R"({
            "type": "object", "required": ["url"], "additionalProperties": false,
            "properties": {
              "method": {"type": "string", "default": "GET"},
              "url": {"type": "string"},
              "headers": {"type": "object", "additionalProperties": {"type": "string"}},
              "body": {"type": "string"},
              "json": {},
              "timeout": {"type": "number", "exclusiveMinimum": 0, "default": 30},
              "max_response_bytes": {"type": "integer", "minimum": 0}}})"),
          .function = HttpRequest};
}

}  // namespace weft::activities
