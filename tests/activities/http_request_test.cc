// http.request against a real HTTP server on loopback: what a workflow sends and receives, and
// how each failure is typed so that retries and `catch` do the right thing.

#include "activities/http_request.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "activities/builtin_activities.h"
#include "runtime/activity/activity_context.h"
#include "tests/activities/loopback_server.h"

using weft::activities::HttpRequest;
using weft::activities::ParseRetryAfter;
using weft::activity::LocalActivityContext;
using weft::testing::LoopbackServer;

TEST_CASE("a GET returns status, lower-cased headers, body and parsed JSON") {
  LoopbackServer loopback;
  loopback.server().Get("/thing", [](const httplib::Request& request, httplib::Response& response) {
    response.set_header("X-Seen-Header", request.get_header_value("X-Token"));
    response.set_content(R"({"id": 7, "tags": []})", "application/json");
  });
  loopback.Start();
  LocalActivityContext context;
  auto result =
      HttpRequest({{"url", loopback.Url("/thing")}, {"headers", {{"X-Token", "abc"}}}}, context);
  REQUIRE(result);
  CHECK((*result)["status"] == 200);
  CHECK((*result)["headers"]["x-seen-header"] == "abc");
  CHECK((*result)["json"] == nlohmann::json::parse(R"({"id": 7, "tags": []})"));
  CHECK((*result)["body"] == R"({"id": 7, "tags": []})");
}

TEST_CASE("a POST with `json` sends it as application/json; `body` is sent as is") {
  LoopbackServer loopback;
  loopback.server().Post("/echo", [](const httplib::Request& request, httplib::Response& response) {
    response.set_content(request.get_header_value("Content-Type") + "|" + request.body,
                         "text/plain");
  });
  loopback.Start();
  LocalActivityContext context;
  auto with_json = HttpRequest(
      {{"method", "post"}, {"url", loopback.Url("/echo")}, {"json", {{"a", 1}}}}, context);
  REQUIRE(with_json);
  CHECK((*with_json)["body"] == R"(application/json|{"a":1})");
  CHECK_FALSE(with_json->contains("json"));
  auto with_body = HttpRequest({{"method", "POST"},
                                {"url", loopback.Url("/echo")},
                                {"headers", {{"Content-Type", "text/csv"}}},
                                {"body", "a,b"}},
                               context);
  REQUIRE(with_body);
  CHECK((*with_body)["body"] == "text/csv|a,b");
}

TEST_CASE("4xx is a non-retryable HttpError with the status in its details, except 408 and 429") {
  LoopbackServer loopback;
  loopback.server().Get(R"(/status/(\d+))",
                        [](const httplib::Request& request, httplib::Response& response) {
                          response.status = std::stoi(request.matches[1]);
                          response.set_content(R"({"error": "no"})", "application/json");
                        });
  loopback.Start();
  LocalActivityContext context;
  auto not_found = HttpRequest({{"url", loopback.Url("/status/404")}}, context);
  REQUIRE_FALSE(not_found);
  CHECK(not_found.error().type == "HttpError");
  CHECK(not_found.error().non_retryable);
  CHECK(not_found.error().details["status"] == 404);
  CHECK(not_found.error().details["json"]["error"] == "no");
  CHECK_THAT(not_found.error().message, Catch::Contains("HTTP 404 from GET"));
  for (int status : {408, 429, 500, 502, 503}) {
    auto result =
        HttpRequest({{"url", loopback.Url("/status/" + std::to_string(status))}}, context);
    REQUIRE_FALSE(result);
    INFO(status);
    CHECK(result.error().type == "HttpError");
    CHECK_FALSE(result.error().non_retryable);
    CHECK_FALSE(result.error().next_retry_delay);
  }
}

TEST_CASE("Retry-After on 429 and 503 becomes the next retry delay, in seconds or as a date") {
  LoopbackServer loopback;
  loopback.server().Get("/seconds", [](const httplib::Request&, httplib::Response& response) {
    response.status = 429;
    response.set_header("Retry-After", "7");
  });
  loopback.server().Get("/date", [](const httplib::Request&, httplib::Response& response) {
    response.status = 503;
    auto when = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() +
                                                     std::chrono::seconds(30));
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&when));
    response.set_header("Retry-After", text);
  });
  loopback.Start();
  LocalActivityContext context;
  auto seconds = HttpRequest({{"url", loopback.Url("/seconds")}}, context);
  REQUIRE_FALSE(seconds);
  CHECK(seconds.error().next_retry_delay == std::chrono::seconds(7));
  auto date = HttpRequest({{"url", loopback.Url("/date")}}, context);
  REQUIRE_FALSE(date);
  REQUIRE(date.error().next_retry_delay);
  CHECK(*date.error().next_retry_delay > std::chrono::seconds(25));
  CHECK(*date.error().next_retry_delay <= std::chrono::seconds(30));
}

TEST_CASE("ParseRetryAfter reads seconds and HTTP-dates and refuses anything else") {
  auto now = std::chrono::system_clock::from_time_t(1445412480);  // 21 Oct 2015 07:28:00 GMT
  CHECK(ParseRetryAfter("120", now) == std::chrono::seconds(120));
  CHECK(ParseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", now) == std::chrono::seconds(10));
  CHECK(ParseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now) == std::chrono::seconds(0));
  CHECK_FALSE(ParseRetryAfter("soon", now));
  CHECK_FALSE(ParseRetryAfter("", now));
}

TEST_CASE("a slow server is an HttpTimeout; a closed port an HttpConnectionError") {
  LoopbackServer loopback;
  loopback.server().Get("/slow", [](const httplib::Request&, httplib::Response& response) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    response.set_content("late", "text/plain");
  });
  loopback.Start();
  LocalActivityContext context;
  auto slow = HttpRequest({{"url", loopback.Url("/slow")}, {"timeout", 0.2}}, context);
  REQUIRE_FALSE(slow);
  CHECK(slow.error().type == "HttpTimeout");
  CHECK_FALSE(slow.error().non_retryable);
  auto refused = HttpRequest({{"url", "http://127.0.0.1:1/"}}, context);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().type == "HttpConnectionError");
  auto bad = HttpRequest({{"url", "file:///etc/passwd"}}, context);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().type == "InvalidInput");
  CHECK(HttpRequest({{"method", "GET"}}, context).error().type == "InvalidInput");
}

TEST_CASE("cancellation aborts a transfer in progress") {
  LoopbackServer loopback;
  loopback.server().Get("/hang", [](const httplib::Request&, httplib::Response& response) {
    std::this_thread::sleep_for(std::chrono::seconds(4));
    response.set_content("late", "text/plain");
  });
  loopback.Start();
  LocalActivityContext context;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    context.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  auto result = HttpRequest({{"url", loopback.Url("/hang")}, {"timeout", 30}}, context);
  canceller.join();
  REQUIRE_FALSE(result);
  CHECK(result.error().category == weft::activity::ErrorCategory::kCancelled);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
}

TEST_CASE("Lua's weft.http runs http.request; its errors keep their type through Lua") {
  LoopbackServer loopback;
  loopback.server().Get("/ok", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(R"({"n": 41})", "application/json");
  });
  loopback.server().Get("/busy", [](const httplib::Request&, httplib::Response& response) {
    response.status = 429;
    response.set_header("Retry-After", "3");
  });
  loopback.Start();
  auto dir = std::filesystem::temp_directory_path() / "weft-lua-http-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "client.lua", std::ios::trunc) << R"(
    return {
      get = function(input) return {n = weft.http({url = input.url}).json.n + 1} end,
      caught = function(input)
        local ok, err = pcall(weft.http, {url = input.url})
        return {ok = ok, type = err.type, status = err.details.status}
      end,
    })";
  weft::activity::ActivityRegistry registry;
  REQUIRE(weft::activities::RegisterAll({.lua_dir = dir}, registry));
  LocalActivityContext context;
  CHECK(registry.Execute("client.get", {{"url", loopback.Url("/ok")}}, context) ==
        nlohmann::json{{"n", 42}});
  auto uncaught = registry.Execute("client.get", {{"url", loopback.Url("/busy")}}, context);
  REQUIRE_FALSE(uncaught);
  CHECK(uncaught.error().type == "HttpError");
  CHECK(uncaught.error().details["status"] == 429);
  CHECK(uncaught.error().next_retry_delay == std::chrono::seconds(3));
  CHECK(registry.Execute("client.caught", {{"url", loopback.Url("/busy")}}, context) ==
        nlohmann::json{{"ok", false}, {"type", "HttpError"}, {"status", 429}});
  std::filesystem::remove_all(dir);
}
