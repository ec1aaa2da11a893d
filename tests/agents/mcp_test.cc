// `weft mcp`, the MCP server over stdio. First its JSON-RPC surface, line by line (version
// negotiation, ping, the error codes, nothing but JSON on stdout); then an agent's whole
// session through the official MCP TypeScript SDK as the client (tests/agents/mcp_client.mjs):
// list tools, scaffold, validate, dry-run, see list_changed and the new tool, run it on the
// embedded engine and read its result.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/agents/temp_folder.h"
#include "tests/support/child_process.h"
#include "tests/support/dev_server.h"
#include "tests/support/subprocess.h"

using nlohmann::json;
using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::WeftBinary;

namespace {

const std::string kSourceDir = WEFT_SOURCE_DIR;

// weft mcp working in `project` (--directory), fed `lines`; every stdout line parsed, keyed by id
// ("null" for errors without one, in order).
std::multimap<std::string, json> Converse(const TempFolder& project, const std::string& lines,
                                          const std::vector<std::string>& flags = {}) {
  std::vector<std::string> argv = {WeftBinary(), "--log-level", "warn",
                                   "mcp",        "--directory", project.path().string()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  auto result = RunProcess(argv, lines);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  std::multimap<std::string, json> replies;
  std::istringstream out(result.out);
  std::string line;
  while (std::getline(out, line)) {
    INFO("stdout line: " << line);
    json message;
    REQUIRE_NOTHROW(message = json::parse(line));
    CHECK(message["jsonrpc"] == "2.0");
    replies.emplace(message.contains("id") ? message["id"].dump() : "notification", message);
  }
  return replies;
}

}  // namespace

TEST_CASE("weft mcp speaks JSON-RPC 2.0 on stdio, with MCP's version negotiation and codes") {
  TempFolder project;
  std::filesystem::create_directories(project / "workflows");
  std::filesystem::copy_file(kSourceDir + "/workflows/hello.yaml",
                             project / "workflows/hello.yaml");
  const std::string lines =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})"
      "\n"
      R"({"jsonrpc":"2.0","method":"notifications/initialized"})"
      "\nnot json\n[1,2]\n"
      R"({"jsonrpc":"1.0","id":2,"method":"ping"})"
      "\n"
      R"({"jsonrpc":"2.0","id":3,"method":"resources/list"})"
      "\n"
      R"({"jsonrpc":"2.0","id":4,"method":"ping"})"
      "\n"
      R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"nope","arguments":{}}})"
      "\n"
      R"({"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"list_workflows"}})"
      "\n"
      R"({"jsonrpc":"2.0","id":7,"method":"initialize","params":{"protocolVersion":"2024-11-05"}})"
      "\n"
      R"({"jsonrpc":"2.0","id":"eight","method":"tools/call","params":{"name":"describe_workflow","arguments":{"name":"nope"}}})"
      "\n"
      R"({"jsonrpc":"2.0","id":9,"method":"server/discover","params":{}})"
      "\n"
      R"({"jsonrpc":"2.0","id":10,"method":"tools/list"})"
      "\n";
  const auto replies = Converse(project, lines);
  auto reply = [&](const std::string& id) {
    auto it = replies.find(id);
    REQUIRE(it != replies.end());
    return it->second;
  };
  const json initialized = reply("1")["result"];
  CHECK(initialized["protocolVersion"] == "2025-11-25");  // the newest, for an unknown version
  CHECK(initialized["capabilities"]["tools"]["listChanged"] == true);
  CHECK(initialized["serverInfo"]["name"] == "weft");
  CHECK(reply("7")["result"]["protocolVersion"] == "2024-11-05");  // a known one is echoed

  // Errors without an id: the parse error and the batch.
  auto [begin, end] = replies.equal_range("null");
  std::vector<int> codes;
  for (auto it = begin; it != end; ++it) codes.push_back(it->second["error"]["code"]);
  CHECK(codes == std::vector<int>{-32700, -32600});
  CHECK(reply("2")["error"]["code"] == -32600);
  CHECK(reply("3")["result"]["resources"].size() > 7);  // the reference (agents/reference.h)
  CHECK(reply("9")["error"]["code"] == -32601);
  CHECK(reply("4")["result"] == json::object());
  CHECK(reply("5")["error"]["code"] == -32602);
  CHECK_THAT(reply("5")["error"]["message"].get<std::string>(), Catch::Contains("nope"));
  CHECK(reply("6")["result"]["isError"] == false);
  CHECK(reply("6")["result"]["structuredContent"]["workflows"][0]["name"] == "hello");
  CHECK(reply("\"eight\"")["result"]["isError"] == true);
  const json tools = reply("10")["result"]["tools"];
  bool hello = false;
  for (const auto& tool : tools) {
    CHECK(tool["inputSchema"]["type"] == "object");
    if (tool["name"] == "hello") {
      hello = true;
      CHECK(tool["inputSchema"]["required"] == json{"name"});
    }
  }
  CHECK(hello);
  // 7 fixed tools, get_reference, 8 run tools (run_tools.h), write_workflow, write_activity,
  // write_test, and hello.
  CHECK(tools.size() == 20);
}

TEST_CASE("an agent's session through the official MCP TypeScript SDK") {
  const char* sdk = std::getenv("WEFT_MCP_SDK");
  REQUIRE(sdk != nullptr);
  INFO("the MCP SDK is installed by scripts/setup into " << sdk);
  REQUIRE(std::filesystem::exists(std::string(sdk) +
                                  "/node_modules/@modelcontextprotocol/sdk/package.json"));
  TempFolder project;
  std::filesystem::create_directories(project / "workflows");
  std::filesystem::copy_file(kSourceDir + "/workflows/hello.yaml",
                             project / "workflows/hello.yaml");
  auto result = RunProcess({"node", kSourceDir + "/tests/agents/mcp_client.mjs", WeftBinary(),
                            project.path().string(), sdk});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("ok: 2 list_changed notifications"));
}

TEST_CASE("an agent without a file system reads the reference and authors a workflow over MCP") {
  const char* sdk = std::getenv("WEFT_MCP_SDK");
  REQUIRE(sdk != nullptr);
  TempFolder project;
  std::filesystem::create_directories(project / "workflows");
  auto result = RunProcess({"node", kSourceDir + "/tests/agents/mcp_authoring_client.mjs",
                            WeftBinary(), project.path().string(), sdk});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("ok: authored and ran a workflow over MCP alone"));
}

TEST_CASE("an agent without a file system writes a workflow, then follows its runs over MCP") {
  const char* sdk = std::getenv("WEFT_MCP_SDK");
  REQUIRE(sdk != nullptr);
  TempFolder project;
  std::filesystem::create_directories(project / "workflows");
  std::filesystem::create_directories(project / "activities");
  // A module that does not load, beside the ones the agent writes, as an editor leaves one.
  std::ofstream(project / "activities/broken.lua") << "return {\n";
  auto result = RunProcess({"node", kSourceDir + "/tests/agents/mcp_following_client.mjs",
                            WeftBinary(), project.path().string(), sdk});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("ok: wrote, ran and followed workflows over MCP alone"));
}

TEST_CASE("with --address, workflow tools start runs on Temporal, served by weft worker") {
  weft::testing::DevServer& server = weft::testing::DevServer::Shared();
  TempFolder project;
  std::filesystem::create_directories(project / "workflows");
  std::filesystem::copy_file(kSourceDir + "/workflows/hello.yaml",
                             project / "workflows/hello.yaml");
  const std::string queue = "mcp-" + std::to_string(::getpid());
  auto worker = weft::testing::ChildProcess::Start({WeftBinary(), "worker", "--address",
                                                    server.address(), "--task-queue", queue,
                                                    "--workflows", project / "workflows"});
  worker->WaitForOutput("weft worker on task queue", std::chrono::seconds(30));
  const std::vector<std::string> temporal = {"--address", server.address(), "--task-queue", queue};
  const std::string initialize =
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18"}})"
      "\n";

  // The workflow's own tool, and a workflow scaffolded through MCP that the running worker
  // picks up without a restart.
  auto started = Converse(
      project,
      initialize +
          R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{"name":"Ada"}}})"
          "\n"
          R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_temporal_workflow","arguments":{"name":"greet-later","activity":"none","test":false}}})"
          "\n",
      temporal);
  const json hello = started.find("1")->second["result"];
  INFO(hello.dump());
  REQUIRE(hello["isError"] == false);
  CHECK(hello["structuredContent"]["engine"] == "temporal");
  const std::string hello_id = hello["structuredContent"]["workflow_id"];
  REQUIRE(started.find("2")->second["result"]["isError"] == false);

  auto later = Converse(
      project,
      initialize +
          R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"greet-later","arguments":{"message":"hi"}}})"
          "\n",
      temporal);
  const json greet = later.find("3")->second["result"];
  INFO(greet.dump());
  REQUIRE(greet["isError"] == false);
  const std::string greet_id = greet["structuredContent"]["workflow_id"];

  auto results = Converse(
      project,
      initialize +
          R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_result","arguments":{"workflow_id":")" +
          hello_id + R"("}}})" + "\n" +
          R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"get_result","arguments":{"workflow_id":")" +
          greet_id + R"("}}})" + "\n",
      temporal);
  INFO(worker->LogTail());
  const json first = results.find("4")->second["result"];
  INFO(first.dump());
  CHECK(first["isError"] == false);
  CHECK(first["structuredContent"]["result"] == json{{"greeting", "Hello, Ada!"}});
  const json second = results.find("5")->second["result"];
  INFO(second.dump());
  CHECK(second["isError"] == false);
  CHECK(second["structuredContent"]["result"] == json{{"message", "hi"}, {"result", nullptr}});
  worker->Stop();
}
