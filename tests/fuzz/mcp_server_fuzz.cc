// Fuzz target: `weft mcp`'s framing and argument checking (agents/mcp_server.h,
// agents/tool_arguments.h). The input is what an MCP client writes on the server's stdin: lines
// of JSON-RPC. The tools are fakes with input schemas of the shapes the real tools declare
// (required arguments, closed objects, types, enums); they answer with their arguments, so a
// call that passes the check reaches a tool and its answer is framed like any other.
// Seeds: tests/fuzz/corpus/mcp_server, sessions as the MCP TypeScript SDK writes them.
//
// Checked besides memory safety: the server survives every line (an exception escaping
// Serve() ends `weft mcp` for the agent); everything it writes is one JSON-RPC 2.0 object per
// line that parses strictly.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "agents/mcp_server.h"
#include "dsl/json_text.h"

namespace {

using nlohmann::json;
using weft::agents::ProgressReporter;
using weft::agents::Resource;
using weft::agents::Tool;
using weft::agents::ToolResult;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

class FakeTools : public weft::agents::ToolProvider {
 public:
  std::vector<Tool> Tools() override {
    return {{.name = "validate_workflow",
             .title = "Validate",
             .description = "checks a definition",
             .input_schema = json::parse(R"({"type": "object", "additionalProperties": false,
                 "properties": {"path": {"type": "string"}, "yaml": {"type": "string"},
                                "json": {"type": ["boolean", "null"]}}})"),
             .read_only = true},
            {.name = "start_run",
             .description = "starts a run",
             .input_schema = json::parse(R"({"type": "object", "required": ["workflow"],
                 "properties": {"workflow": {"type": "string"}, "input": {},
                                "engine": {"type": "string", "enum": ["embedded", "temporal"]},
                                "timeout_seconds": {"type": "number"},
                                "tags": {"type": "array"}}})")},
            {.name = "hello", .description = "no arguments", .input_schema = {{"type", "object"}}}};
  }
  std::optional<ToolResult> Call(const std::string& name, const json& arguments,
                                 const ProgressReporter& progress) override {
    if (name == "hello") return ToolResult{json("hello")};
    progress(1, "working");
    return ToolResult{arguments, /*is_error=*/name == "start_run" && arguments.size() > 2};
  }
};

class FakeResources : public weft::agents::ResourceProvider {
 public:
  std::vector<Resource> Resources() override {
    return {{.uri = "weft://docs/language.md",
             .name = "language.md",
             .mime_type = "text/markdown",
             .size = 5}};
  }
  std::optional<std::string> Read(const std::string& uri) override {
    if (uri == "weft://docs/language.md") return "# hi\n";
    return std::nullopt;
  }
};

}  // namespace

// The server logs every call to stderr; millions of lines would only slow the fuzzer.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::ostringstream out;
  FakeTools tools;
  FakeResources resources;
  {
    weft::agents::McpServer server({.name = "weft", .version = "fuzz", .instructions = "fuzz"},
                                   tools, &resources, out);
    server.Serve(in);
  }
  std::istringstream written(out.str());
  std::string line;
  while (std::getline(written, line)) {
    auto message = weft::dsl::ParseJsonText(line, "a line the server wrote");
    Check(message.has_value());
    Check(message->is_object() && message->value("jsonrpc", json()) == "2.0");
  }
  return 0;
}
