// llm.chat against an OpenAI-shaped server on loopback that is rate limited twice before it
// answers, and a small retry loop driven only by the ActivityError it gets: the delays it
// waits are the server's Retry-After, not a guess.

#include "activities/llm_chat.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "runtime/activity/activity_context.h"
#include "tests/activities/loopback_server.h"

using weft::activities::LlmChat;
using weft::activity::ActivityResult;
using weft::activity::LocalActivityContext;
using weft::testing::LoopbackServer;

namespace {

// What an engine does with a retry policy, reduced to its core: retry what is retryable,
// waiting next_retry_delay when the error names one, else the policy's interval.
struct Attempt {
  ActivityResult result;
  std::chrono::milliseconds waited_before{0};
};

template <typename Run>
std::vector<Attempt> RetryLoop(Run run, int maximum_attempts, std::chrono::milliseconds interval) {
  std::vector<Attempt> attempts;
  std::chrono::milliseconds wait{0};
  for (int attempt = 1; attempt <= maximum_attempts; ++attempt) {
    std::this_thread::sleep_for(wait);
    attempts.push_back({run(), wait});
    const auto& result = attempts.back().result;
    if (result || result.error().non_retryable) break;
    wait = result.error().next_retry_delay.value_or(interval);
  }
  return attempts;
}

}  // namespace

TEST_CASE("llm.chat is rate limited twice, honours Retry-After, then answers") {
  LoopbackServer loopback;
  std::atomic<int> calls{0};
  std::string seen_authorization;
  nlohmann::json seen_request;
  loopback.server().Post(
      "/v1/chat/completions", [&](const httplib::Request& request, httplib::Response& response) {
        seen_authorization = request.get_header_value("Authorization");
        seen_request = nlohmann::json::parse(request.body);
        if (++calls <= 2) {
          response.status = 429;
          response.set_header("Retry-After", "1");
          response.set_content(R"({"error": {"message": "rate limited"}})", "application/json");
          return;
        }
        response.set_content(R"({
      "id": "chatcmpl-1", "object": "chat.completion",
      "choices": [{"index": 0, "finish_reason": "stop",
                   "message": {"role": "assistant", "content": "Bonjour"}}],
      "usage": {"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10}})",
                             "application/json");
      });
  loopback.Start();
  setenv("WEFT_LLM_BASE_URL", loopback.Url("/v1/").c_str(), 1);
  setenv("WEFT_LLM_API_KEY", "sk-test", 1);

  LocalActivityContext context;
  nlohmann::json input = {{"model", "tiny"},
                          {"messages", {{{"role", "user"}, {"content", "Say hello in French"}}}},
                          {"temperature", 0}};
  auto start = std::chrono::steady_clock::now();
  auto attempts =
      RetryLoop([&] { return LlmChat(input, context); }, 5, std::chrono::milliseconds(50));
  auto elapsed = std::chrono::steady_clock::now() - start;

  REQUIRE(attempts.size() == 3);
  CHECK(attempts[0].result.error().type == "HttpError");
  CHECK(attempts[0].result.error().details["status"] == 429);
  CHECK(attempts[0].result.error().next_retry_delay == std::chrono::seconds(1));
  CHECK(attempts[1].waited_before == std::chrono::seconds(1));
  CHECK(attempts[2].waited_before == std::chrono::seconds(1));
  CHECK(elapsed >= std::chrono::seconds(2));
  REQUIRE(attempts[2].result);
  const auto& answer = *attempts[2].result;
  CHECK(answer["content"] == "Bonjour");
  CHECK(answer["message"]["role"] == "assistant");
  CHECK(answer["usage"]["total_tokens"] == 10);
  CHECK(answer["raw"]["id"] == "chatcmpl-1");
  CHECK(calls == 3);
  CHECK(seen_authorization == "Bearer sk-test");
  CHECK(seen_request["model"] == "tiny");
  CHECK(seen_request["temperature"] == 0);
  unsetenv("WEFT_LLM_BASE_URL");
  unsetenv("WEFT_LLM_API_KEY");
}

TEST_CASE("llm.chat falls back to OPENAI_BASE_URL and refuses inputs without model or messages") {
  LoopbackServer loopback;
  loopback.server().Post("/chat/completions", [](const httplib::Request&, httplib::Response& r) {
    r.set_content(R"({"choices": [{"message": {"role": "assistant", "content": "ok"}}]})",
                  "application/json");
  });
  loopback.Start();
  setenv("OPENAI_BASE_URL", loopback.Url("").c_str(), 1);
  LocalActivityContext context;
  auto result =
      LlmChat({{"model", "m"}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}}, context);
  REQUIRE(result);
  CHECK((*result)["content"] == "ok");
  unsetenv("OPENAI_BASE_URL");
  CHECK(LlmChat({{"messages", nlohmann::json::array()}}, context).error().type == "InvalidInput");
}
