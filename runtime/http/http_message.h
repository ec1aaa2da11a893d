// HttpRequest and HttpResponse: one HTTP/1.1 exchange as HttpServer's handlers see it (a request
// parsed, its body read whole) and answer it. Plain data; the server adds Content-Length and
// Connection to every response itself.
#ifndef WEFT_RUNTIME_HTTP_HTTP_MESSAGE_H_
#define WEFT_RUNTIME_HTTP_HTTP_MESSAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace weft::http {

struct HttpRequest {
  std::string method;  // as sent: methods are case-sensitive ("GET", "POST", "OPTIONS")
  std::string path;    // the target up to '?', undecoded ("/metrics", "/default/decode")
  std::string query;   // after '?', undecoded; empty without one
  // In the order sent, names lower-cased (header names are case-insensitive).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string peer;  // the client's address, "127.0.0.1:53412"

  // The first header named `name` (any case), or nothing.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // A response of `status` whose body is `body`, of `content_type`.
  static HttpResponse Text(int status, std::string body,
                           std::string content_type = "text/plain; charset=utf-8");

  // Adds a header (a second one of the same name too: the handler decides).
  HttpResponse& AddHeader(std::string name, std::string value);
  // The first header named `name` (any case), or nothing.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// The reason phrase of a status code ("Not Found"); "Unknown" for a code it does not know.
std::string_view ReasonPhrase(int status);

}  // namespace weft::http

#endif  // WEFT_RUNTIME_HTTP_HTTP_MESSAGE_H_
