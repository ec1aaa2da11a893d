// llm.chat: one chat completion from any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama,
// llama.cpp server, ...), over http.request, so that its errors (429 with Retry-After, ...)
// are http.request's. The endpoint comes from the environment of the worker, read at each
// call: WEFT_LLM_BASE_URL (else OPENAI_BASE_URL, else https://api.openai.com/v1) and
// WEFT_LLM_API_KEY (else OPENAI_API_KEY; none: no Authorization header). Thread-safe.
#ifndef WEFT_ACTIVITIES_LLM_CHAT_H_
#define WEFT_ACTIVITIES_LLM_CHAT_H_

#include "runtime/activity/activity.h"

namespace weft::activities {

activity::ActivityResult LlmChat(const nlohmann::json& input, activity::ActivityContext& context);
activity::ActivityDefinition LlmChatActivity();

}  // namespace weft::activities

#endif  // WEFT_ACTIVITIES_LLM_CHAT_H_
