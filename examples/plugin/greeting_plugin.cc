// An example activity plugin: two activities, built as a shared library that weft loads with
// `--plugin path/to/libweft_example_plugin.so`. It speaks only the C ABI of
// runtime/activity/plugin_abi.h, so it could be built outside weft's tree, by another
// compiler, against nothing but that header.
//
//   example.greet  {"name": "Ada"}        -> {"greeting": "Hello, Ada!", "attempt": 1}
//   example.fail   {"type": "...", ...}   -> always fails with the error described

#include <cstring>
#include <string>

#include "runtime/activity/plugin_abi.h"

namespace {

const weft_host* host = nullptr;

// A deliberately tiny JSON field reader, to show that a plugin needs no JSON library: it
// finds "key": "value" in the flat object weft passes.
std::string StringField(const char* json, std::size_t size, const std::string& key) {
  std::string text(json, size);
  std::string needle = "\"" + key + "\"";
  auto at = text.find(needle);
  if (at == std::string::npos) return "";
  auto open = text.find('"', text.find(':', at + needle.size()) + 1);
  auto close = text.find('"', open + 1);
  if (open == std::string::npos || close == std::string::npos) return "";
  return text.substr(open + 1, close - open - 1);
}

void Greet(void*, const char* input, std::size_t size, weft_context* context,
           weft_outcome* outcome) {
  std::string name = StringField(input, size, "name");
  if (name.empty()) {
    host->set_error(outcome, "InvalidInput", "example.greet needs a `name`", nullptr, 1, -1);
    return;
  }
  host->heartbeat(context, "{\"greeting\": \"started\"}");
  host->log(context, WEFT_LOG_INFO, ("greeting " + name).c_str());
  std::string result = "{\"greeting\": \"Hello, " + name +
                       "!\", \"attempt\": " + std::to_string(host->attempt(context)) + "}";
  host->set_result(outcome, result.data(), result.size());
}

void Fail(void*, const char* input, std::size_t size, weft_context*, weft_outcome* outcome) {
  std::string type = StringField(input, size, "type");
  host->set_error(outcome, type.empty() ? "ExampleError" : type.c_str(), "example.fail failed",
                  "{\"from\": \"plugin\"}", 0, 2500);
}

}  // namespace

extern "C" uint32_t weft_plugin_abi_version(void) { return WEFT_PLUGIN_ABI_VERSION; }

extern "C" int weft_plugin_register(const weft_host* weft) {
  host = weft;
  if (weft->register_activity(weft->host_data, "example.greet", "Greets someone by name",
                              R"({"type": "object", "required": ["name"],
                                  "properties": {"name": {"type": "string"}}})",
                              Greet, nullptr) != 0) {
    return 1;
  }
  return weft->register_activity(weft->host_data, "example.fail",
                                 "Always fails, with the error type given in `type`", nullptr, Fail,
                                 nullptr);
}
