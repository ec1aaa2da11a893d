// RequestGuard: which requests `weft ui` serves, row by row of its header's rules.
#include "ui/request_guard.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using weft::http::HttpRequest;
using weft::ui::RequestGuard;

namespace {

HttpRequest Request(std::string method, std::vector<std::pair<std::string, std::string>> headers) {
  return {.method = std::move(method), .path = "/api/runs", .headers = std::move(headers)};
}

int StatusOf(const RequestGuard& guard, const HttpRequest& request, bool api = true) {
  auto refused = guard.Check(request, api);
  return refused ? refused->status : 200;
}

}  // namespace

TEST_CASE("On loopback: any loopback name on any port; other names are refused (DNS rebinding)") {
  const RequestGuard guard({.hosts = RequestGuard::LoopbackHosts()});
  CHECK(StatusOf(guard, Request("GET", {{"host", "127.0.0.1:8233"}})) == 200);
  CHECK(StatusOf(guard, Request("GET", {{"host", "localhost:41000"}})) == 200);
  CHECK(StatusOf(guard, Request("GET", {{"host", "[::1]:8233"}})) == 200);
  CHECK(StatusOf(guard, Request("GET", {{"host", "evil.example:8233"}})) == 403);
  CHECK(StatusOf(guard, Request("GET", {{"host", "evil.example:8233"}}), false) == 403);
  CHECK(StatusOf(guard, Request("GET", {})) == 403);
}

TEST_CASE("A state change needs X-Weft-Request, and the server's own origin when one is sent") {
  const RequestGuard guard({.hosts = RequestGuard::LoopbackHosts()});
  const std::pair<std::string, std::string> host = {"host", "127.0.0.1:8233"};
  const std::pair<std::string, std::string> marked = {"x-weft-request", "1"};
  CHECK(StatusOf(guard, Request("POST", {host})) == 403);
  CHECK(StatusOf(guard, Request("POST", {host, marked})) == 200);
  CHECK(StatusOf(guard, Request("POST", {host, marked, {"origin", "http://127.0.0.1:8233"}})) ==
        200);
  CHECK(StatusOf(guard, Request("POST", {host, marked, {"origin", "http://evil.example"}})) == 403);
  CHECK(StatusOf(guard, Request("POST", {host, marked, {"sec-fetch-site", "cross-site"}})) == 403);
  CHECK(StatusOf(guard, Request("POST", {host, marked, {"sec-fetch-site", "same-origin"}})) == 200);
}

TEST_CASE("Off loopback, the API asks for the token; the page's files do not") {
  const std::string token = RequestGuard::NewToken();
  CHECK(token.size() == 32);
  CHECK(token != RequestGuard::NewToken());
  const RequestGuard guard({.token = token});
  const std::pair<std::string, std::string> host = {"host", "weft.internal:8233"};
  CHECK(StatusOf(guard, Request("GET", {host})) == 401);
  CHECK(StatusOf(guard, Request("GET", {host, {"x-weft-token", "wrong"}})) == 401);
  CHECK(StatusOf(guard, Request("GET", {host, {"x-weft-token", token}})) == 200);
  CHECK(StatusOf(guard, Request("GET", {host}), /*api=*/false) == 200);
  CHECK(StatusOf(guard, Request("POST", {host, {"x-weft-token", token}})) == 403);
  CHECK(StatusOf(guard,
                 Request("POST", {host, {"x-weft-token", token}, {"x-weft-request", "1"}})) == 200);
}
