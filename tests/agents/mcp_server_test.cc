// McpServer with a fake tool provider, in process: requests of a shape it does not expect are
// answered, and the server goes on serving. The whole protocol through `weft mcp` and the
// official SDK is mcp_test's.
#include "agents/mcp_server.h"

#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>

namespace {

using nlohmann::json;
using weft::agents::McpServer;
using weft::agents::ProgressReporter;
using weft::agents::Tool;
using weft::agents::ToolResult;

class NoTools : public weft::agents::ToolProvider {
 public:
  std::vector<Tool> Tools() override { return {}; }
  std::optional<ToolResult> Call(const std::string&, const json&,
                                 const ProgressReporter&) override {
    return std::nullopt;
  }
};

// Every reply to `lines`, keyed by its id's JSON.
std::map<std::string, json> Serve(const std::string& lines) {
  NoTools tools;
  std::ostringstream out;
  {
    McpServer server({.name = "weft", .version = "test"}, tools, nullptr, out);
    std::istringstream in(lines);
    server.Serve(in);
  }
  std::map<std::string, json> replies;
  std::istringstream written(out.str());
  std::string line;
  while (std::getline(written, line)) {
    const json message = json::parse(line);
    replies[message.value("id", json()).dump()] = message;
  }
  return replies;
}

}  // namespace

TEST_CASE("initialize with fields of the wrong type is answered, and the server goes on") {
  // Found by writing tests/fuzz (mcp_server): {"protocolVersion": 1} threw nlohmann's
  // type_error out of Serve(), and `weft mcp` aborted.
  const auto replies = Serve(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":1,"clientInfo":{"name":[],"version":2}}})"
      "\n"
      R"({"jsonrpc":"2.0","id":2,"method":"ping"})"
      "\n");
  REQUIRE(replies.contains("1"));
  CHECK(replies.at("1")["result"]["protocolVersion"] == McpServer::SupportedVersions().front());
  REQUIRE(replies.contains("2"));
  CHECK(replies.at("2")["result"] == json::object());
}
