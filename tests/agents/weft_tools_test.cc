// WeftTools in-process, as the MCP server calls it: the fixed tools discover, scaffold and
// describe workflows from the folder; every definition is a tool of its own name; starting,
// signalling and reading a run go through runtime/client to the embedded journal, whose runs an
// embedded::Host in this test executes (no background engine, no weft binary). Real files in a
// temporary folder.
#include "agents/weft_tools.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "agents/workflow_scaffold.h"
#include "runtime/embedded/host.h"
#include "tests/agents/temp_folder.h"

namespace {

using nlohmann::json;
using weft::agents::ToolResult;
using weft::agents::WeftTools;
using weft::testing::TempFolder;

constexpr char kCounter[] = R"(dsl: 1
name: counter
description: Counts what it is told.
input: {type: object, properties: {start: {type: integer}}}
vars: {total: 0}
handlers:
  queries:
    total: ${ vars.total }
  signals:
    add:
      set: {total: '${ vars.total + signal }'}
steps:
  - id: count
    await: {condition: '${ vars.total >= 3 }'}
output: {total: '${ vars.total }'}
)";

struct Tools {
  TempFolder project;
  std::atomic<int> changes{0};
  WeftTools tools;

  Tools()
      : tools(
            [this] {
              project.Write("workflows/counter.yaml", kCounter);
              return weft::agents::WeftToolsOptions{
                  .workflows_dir = project.path() / "workflows",
                  .activities_dir = project.path() / "activities",
                  .tests_dir = project.path() / "tests/workflows",
                  .client = {.embedded = {.journal = project.path() / "journal.db",
                                          .workflows = project.path() / "workflows"}}};
            }(),
            [this] { ++changes; }) {
    tools.Rescan();
  }

  ToolResult Call(const std::string& name, json arguments = json::object()) {
    auto result = tools.Call(name, arguments);
    REQUIRE(result);
    return *result;
  }
};

TEST_CASE("each workflow of the folder is listed, described and a tool of its own name") {
  Tools t;
  const ToolResult listed = t.Call("list_workflows");
  REQUIRE(listed.value["workflows"].size() == 1);
  CHECK(listed.value["workflows"][0]["name"] == "counter");
  const ToolResult described = t.Call("describe_workflow", {{"name", "counter"}});
  CHECK(described.value["handlers"]["signals"][0]["name"] == "add");
  CHECK(described.value["steps"][0]["kind"] == "await");
  CHECK(t.Call("describe_workflow", {{"name", "nope"}}).is_error);
  bool found = false;
  for (const auto& tool : t.tools.Tools()) found = found || tool.name == "counter";
  CHECK(found);
  CHECK_FALSE(t.tools.Call("no-such-tool", json::object()));
}

TEST_CASE("a tool found by name is the tool the list gives, and an unknown name finds none") {
  Tools t;
  const auto listed = t.tools.Tools();
  REQUIRE(listed.size() > 15);
  for (const auto& tool : listed) {
    INFO(tool.name);
    const auto found = t.tools.Find(tool.name);
    REQUIRE(found);
    CHECK(found->title == tool.title);
    CHECK(found->description == tool.description);
    CHECK(found->input_schema == tool.input_schema);
    CHECK(found->read_only == tool.read_only);
  }
  CHECK_FALSE(t.tools.Find("no-such-tool"));
  // A workflow added later is found too, as its own tool.
  t.Call("add_temporal_workflow", {{"name", "greet-user"}});
  const auto added = t.tools.Find("greet-user");
  REQUIRE(added);
  CHECK(added->input_schema["type"] == "object");
}

TEST_CASE("a scaffolded workflow becomes a tool at once and the change is announced") {
  Tools t;
  const ToolResult added = t.Call("add_temporal_workflow", {{"name", "greet-user"}});
  INFO(added.value.dump());
  REQUIRE_FALSE(added.is_error);
  CHECK(added.value["tool"] == "greet-user");
  CHECK(t.changes == 1);
  CHECK(t.Call("add_temporal_workflow", {{"name", "greet-user"}}).is_error);
  CHECK(t.Call("add_temporal_workflow", {{"name", "Bad_Name"}}).is_error);
}

TEST_CASE("a run started by its tool is signalled, queried and read through the client") {
  Tools t;
  const ToolResult started = t.Call("counter", {{"start", 0}});
  INFO(started.value.dump());
  REQUIRE_FALSE(started.is_error);
  CHECK(started.value["engine"] == "embedded");
  const std::string workflow_id = started.value["workflow_id"];
  const std::string run_id = started.value["run_id"];

  // No engine runs yet: the signal waits in the inbox, and there is no result to wait for.
  const ToolResult queued =
      t.Call("signal_workflow", {{"workflow_id", workflow_id}, {"signal", "add"}, {"input", 3}});
  REQUIRE_FALSE(queued.is_error);
  CHECK(queued.value["queued"] == true);
  CHECK(t.Call("signal_workflow", {{"workflow_id", workflow_id}}).is_error);

  weft::embedded::Host host(
      {.journal = t.project.path() / "journal.db", .workflows = t.project.path() / "workflows"});
  auto closed = host.Drive(run_id);
  REQUIRE(closed);
  const ToolResult result = t.Call("get_result", {{"workflow_id", workflow_id}});
  INFO(result.value.dump());
  REQUIRE_FALSE(result.is_error);
  CHECK(result.value["status"] == "completed");
  CHECK(result.value["result"] == json{{"total", 3}});

  // A closed run still answers queries, as on Temporal, but takes no more signals.
  const ToolResult late =
      t.Call("query_workflow", {{"workflow_id", workflow_id}, {"query", "total"}});
  INFO(late.value.dump());
  CHECK_FALSE(late.is_error);
  CHECK(late.value["result"] == 3);
  CHECK(t.Call("signal_workflow", {{"workflow_id", workflow_id}, {"signal", "add"}, {"input", 1}})
            .is_error);
  // An id no run has is not found: neither failed nor running.
  const ToolResult unknown = t.Call("get_result", {{"workflow_id", "nobody"}});
  CHECK(unknown.is_error);
  CHECK(unknown.value["status"] == "not_found");
  CHECK(t.Call("start_workflow", {{"name", "nope"}}).is_error);
}

}  // namespace
