// RequestGuard: which requests `weft ui` serves. The UI starts, signals and terminates runs, so
// a web page from elsewhere must not be able to make the user's browser do it:
//
// - Host: on loopback, a request must name the server by a loopback name (127.0.0.1,
//   localhost, [::1]; any port), so that a hostile name rebound to 127.0.0.1 (DNS rebinding)
//   reads nothing.
// - Token: bound elsewhere, every API request carries the token in the X-Weft-Token header
//   (the page takes it from the `?token=` of the address `weft ui` prints).
// - State changes are POSTs that carry the X-Weft-Request header, which a cross-site form or
//   image cannot send and a cross-site script cannot send without a CORS preflight, which this
//   server never grants; their Origin, when sent, is the server's own, and Sec-Fetch-Site, when
//   sent, says same-origin.
//
// The page's own files (HTML, CSS, JavaScript) are not secret: only the Host rule holds for them.
//
// Immutable after construction; any thread.
#ifndef WEFT_UI_REQUEST_GUARD_H_
#define WEFT_UI_REQUEST_GUARD_H_

#include <optional>
#include <string>
#include <vector>

#include "runtime/http/http_message.h"

namespace weft::ui {

inline constexpr char kTokenHeader[] = "X-Weft-Token";
inline constexpr char kRequestHeader[] = "X-Weft-Request";

struct RequestGuardOptions {
  std::string token;  // empty: none asked for (loopback only)
  // Host names accepted (the Host header without its port); empty: any (a token guards).
  std::vector<std::string> hosts;
};

class RequestGuard {
 public:
  explicit RequestGuard(RequestGuardOptions options) : options_(std::move(options)) {}

  // Nothing when `request` may be served; otherwise the refusal (400, 401 or 403, saying why).
  // `api`: the request reads or changes runs (the token applies).
  std::optional<http::HttpResponse> Check(const http::HttpRequest& request, bool api) const;

  // The names of a server listening on loopback.
  static std::vector<std::string> LoopbackHosts();
  // A fresh random token: 32 hex digits from the system's random device.
  static std::string NewToken();

 private:
  RequestGuardOptions options_;
};

}  // namespace weft::ui

#endif  // WEFT_UI_REQUEST_GUARD_H_
