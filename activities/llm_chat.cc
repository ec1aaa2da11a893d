#include "activities/llm_chat.h"

#include <cstdlib>
#include <string>

#include "activities/http_request.h"

namespace weft::activities {
namespace {

using activity::ActivityError;

std::string Environment(const char* name, const char* fallback, std::string otherwise) {
  for (const char* key : {name, fallback}) {
    const char* value = std::getenv(key);
    if (value != nullptr && *value != '\0') return value;
  }
  return otherwise;
}

}  // namespace

activity::ActivityResult LlmChat(const nlohmann::json& input, activity::ActivityContext& context) {
  if (!input.is_object() || !input.contains("model") || !input["model"].is_string()) {
    return std::unexpected(ActivityError::InvalidInput("llm.chat: `model` (a string) is required"));
  }
  if (!input.contains("messages") || !input["messages"].is_array() || input["messages"].empty()) {
    return std::unexpected(
        ActivityError::InvalidInput("llm.chat: `messages` (a non-empty array) is required"));
  }
  // Everything but our own options goes to the endpoint as is (tools, response_format, ...).
  nlohmann::json request = input;
  request.erase("timeout");
  std::string base_url =
      Environment("WEFT_LLM_BASE_URL", "OPENAI_BASE_URL", "https://api.openai.com/v1");
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  std::string key = Environment("WEFT_LLM_API_KEY", "OPENAI_API_KEY", "");
  nlohmann::json http = {{"method", "POST"},
                         {"url", base_url + "/chat/completions"},
                         {"json", std::move(request)},
                         {"timeout", input.value("timeout", 120.0)}};
  if (!key.empty()) http["headers"] = {{"Authorization", "Bearer " + key}};
  auto response = HttpRequest(http, context);
  if (!response) return std::unexpected(std::move(response.error()));
  const nlohmann::json& body = (*response)["json"];
  if (!response->contains("json") || !body.is_object() || !body.contains("choices") ||
      !body["choices"].is_array() || body["choices"].empty() ||
      !body["choices"][0].contains("message")) {
    return std::unexpected(ActivityError::Retryable(
        "LlmBadResponse", "llm.chat: the endpoint's answer has no choices[0].message",
        {{"body", (*response)["body"]}}));
  }
  const nlohmann::json& message = body["choices"][0]["message"];
  nlohmann::json content = message.contains("content") ? message["content"] : nlohmann::json();
  return nlohmann::json{{"content", content},
                        {"message", message},
                        {"usage", body.value("usage", nlohmann::json())},
                        {"raw", body}};
}

activity::ActivityDefinition LlmChatActivity() {
  return {.name = "llm.chat",
          .description =
              "One chat completion from an OpenAI-compatible endpoint "
              "(WEFT_LLM_BASE_URL, WEFT_LLM_API_KEY)",
          .input_schema = nlohmann::json::parse(R"({
            "type": "object", "required": ["model", "messages"],
            "properties": {
              "model": {"type": "string"},
              "messages": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["role"],
                "properties": {"role": {"type": "string"}, "content": {}}}},
              "temperature": {"type": "number"},
              "max_tokens": {"type": "integer"},
              "timeout": {"type": "number", "default": 120}}})"),
          .function = LlmChat};
}

}  // namespace weft::activities
