#include "ui/request_guard.h"

#include <algorithm>
#include <random>
#include <string_view>

namespace weft::ui {
namespace {

http::HttpResponse Refused(int status, std::string why) {
  return http::HttpResponse::Text(status, std::move(why) + "\n");
}

// Compares in time that depends on the lengths only, so that a guesser learns nothing from how
// long a wrong token takes.
bool SameSecret(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < given.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ expected[i]);
  }
  return difference == 0;
}

}  // namespace

std::optional<http::HttpResponse> RequestGuard::Check(const http::HttpRequest& request,
                                                      bool api) const {
  const std::string host(request.Header("host").value_or(""));
  // "[::1]:8233" is the name "[::1]"; "localhost:8233" is "localhost".
  const std::size_t colon = host.rfind(':');
  const std::string name = colon == std::string::npos || host.find(']', colon) != std::string::npos
                               ? host
                               : host.substr(0, colon);
  if (!options_.hosts.empty() &&
      std::find(options_.hosts.begin(), options_.hosts.end(), name) == options_.hosts.end()) {
    return Refused(403, "this server does not answer to the host `" + host + "`");
  }
  if (api && !options_.token.empty() &&
      !SameSecret(request.Header("x-weft-token").value_or(""), options_.token)) {
    return Refused(401, "missing or wrong token: open the address `weft ui` printed");
  }
  if (request.method != "GET" && request.method != "HEAD") {
    if (!request.Header("x-weft-request")) {
      return Refused(403, std::string("a state change needs the ") + kRequestHeader + " header");
    }
    if (auto origin = request.Header("origin"); origin && *origin != "http://" + host) {
      return Refused(403, "cross-site request from " + std::string(*origin) + " refused");
    }
    if (auto site = request.Header("sec-fetch-site");
        site && *site != "same-origin" && *site != "none") {
      return Refused(403, "cross-site request (" + std::string(*site) + ") refused");
    }
  }
  return std::nullopt;
}

std::vector<std::string> RequestGuard::LoopbackHosts() {
  return {"127.0.0.1", "localhost", "[::1]"};
}

std::string RequestGuard::NewToken() {
  std::random_device device;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 32; ++i) token += kHex[device() % 16];
  return token;
}

}  // namespace weft::ui
