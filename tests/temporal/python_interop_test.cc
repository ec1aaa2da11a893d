// weft's Temporal worker among the official SDKs: the real `weft worker` on a dev server, the
// official Python SDK (tests/python) and the Temporal CLI as the other side. A Python client
// drives a weft workflow by name (signal, query, update, result); a weft workflow calls an
// activity a Python worker serves; a Python workflow runs a weft workflow as its child; a weft
// failure reaches Python typed; the `temporal` CLI starts, describes and shows a weft run.

#include <catch2/catch.hpp>

#include "tests/support/dev_server.h"
#include "tests/support/python_worker.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::ProcessResult;
using weft::testing::RequiredEnv;
using weft::testing::RunProcess;

constexpr char kCounter[] = R"(dsl: 1
name: interop-counter
input:
  type: object
  required: [start]
  properties: {start: {type: integer}}
vars:
  total: ${ input.start }
  finished: false
handlers:
  queries:
    total: ${ vars.total }
  signals:
    add:
      set: {total: '${ vars.total + signal }'}
    finish:
      set: {finished: true}
  updates:
    add_and_get:
      validate: ${ update >= 0 }
      set: {total: '${ vars.total + update }'}
      result: '${ {"total": vars.total} }'
steps:
  - id: wait_until_finished
    await: {condition: '${ vars.finished }', timeout: 1h}
output: '${ {"total": vars.total} }'
)";

constexpr char kFails[] = R"(dsl: 1
name: interop-fails
input:
  type: object
  properties: {id: {type: string}}
steps:
  - id: decline
    fail:
      type: CardDeclined
      message: '${ "card declined for " + input.id }'
      details: {order: '${ input.id }'}
)";

// Calls the Python worker's activity `greet` on its own task queue.
std::string Greets(const std::string& python_queue) {
  return R"(dsl: 1
name: interop-greets
input:
  type: object
  required: [name]
  properties: {name: {type: string}}
steps:
  - id: greet
    call: greet
    args: ${ input.name }
    task_queue: )" +
         python_queue + R"(
    timeouts: {start_to_close: 10s}
    result: greeting
output: '${ {"greeting": vars.greeting} }'
)";
}

// Calls the Python worker's activity `decline`, which fails for good.
std::string Declines(const std::string& python_queue) {
  return R"(dsl: 1
name: interop-declines
input:
  type: object
  required: [id, amount]
  properties: {id: {type: string}, amount: {type: number}}
steps:
  - id: charge
    call: decline
    args: ${ input }
    task_queue: )" +
         python_queue + R"(
    timeouts: {start_to_close: 10s}
    retry: {maximum_attempts: 3}
)";
}

// One weft worker serving the workflows, shared by the tests of this file.
struct WeftSide {
  weft::testing::TempFolder workflows{"weft-interop"};
  std::string queue = weft::testing::UniqueName("weft-interop");
  std::unique_ptr<weft::testing::ChildProcess> worker;

  WeftSide() {
    workflows.Write("interop-counter.yaml", kCounter);
    workflows.Write("interop-fails.yaml", kFails);
    workflows.Write("interop-greets.yaml", Greets(weft::testing::PythonTaskQueue()));
    workflows.Write("interop-declines.yaml", Declines(weft::testing::PythonTaskQueue()));
    worker = weft::testing::StartWeftWorker(weft::testing::DevServer::Shared().address(), queue,
                                            workflows.path());
  }
};

const WeftSide& Weft() {
  static WeftSide side;
  return side;
}

json PythonClient(const std::string& scenario) {
  const ProcessResult ran = RunProcess({RequiredEnv("WEFT_PYTHON"),
                                        RequiredEnv("WEFT_TEST_PYTHON_DIR") + "/interop_client.py",
                                        weft::testing::DevServer::Shared().address(), Weft().queue,
                                        scenario, weft::testing::PythonTaskQueue()});
  INFO(ran.err << "\nweft worker:\n" << Weft().worker->LogTail());
  REQUIRE(ran.exit_code == 0);
  return json::parse(ran.out);
}

ProcessResult TemporalCli(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), RequiredEnv("WEFT_TEMPORAL_CLI"));
  arguments.insert(arguments.end(), {"--address", weft::testing::DevServer::Shared().address()});
  return RunProcess(arguments);
}

}  // namespace

TEST_CASE("a Python client starts a weft workflow by name, signals, queries and updates it") {
  const json seen = PythonClient("drive");
  INFO(seen.dump(2));
  CHECK(seen["after_signal"] == 7);
  CHECK(seen["update"] == json{{"total", 10}});
  CHECK(seen["after_update"] == 10);
  // The validator refused it before it entered history: nothing changed.
  CHECK(seen["rejected"].is_object());
  CHECK(seen["after_rejection"] == 10);
  CHECK(seen["result"] == json{{"total", 10}});
  CHECK(seen["workflow_type"] == "interop-counter");
  CHECK(seen["status"] == "COMPLETED");
}

TEST_CASE("a weft failure reaches Python as an ApplicationError with its type") {
  const json seen = PythonClient("failure");
  INFO(seen.dump(2));
  CHECK(seen["failed"] == true);
  CHECK(seen["class"] == "ApplicationError");
  CHECK(seen["type"] == "CardDeclined");
  CHECK(seen["message"] == "card declined for order-7");
  CHECK(seen["non_retryable"] == true);
  CHECK(seen["details"] == json::array({{{"order", "order-7"}}}));
}

TEST_CASE("an activity failure reaches Python with the info the server recorded") {
  const json seen = PythonClient("activity_failure");
  INFO(seen.dump(2));
  REQUIRE(seen["failed"] == true);
  CHECK(seen["class"] == "ActivityError");
  CHECK(seen["activity_type"] == "decline");

  // The fields weft wrote are those of the server's ActivityTaskFailed event.
  auto client = weft::testing::ConnectClient(weft::testing::DevServer::Shared().address());
  const json history = weft::testing::HistoryOf(client, seen["workflow_id"]);
  json failed;
  for (const json& event : history["events"]) {
    if (event["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_FAILED") {
      failed = event["activityTaskFailedEventAttributes"];
    }
  }
  REQUIRE(failed.is_object());
  CHECK(seen["scheduled_event_id"].get<std::int64_t>() > 0);
  CHECK(std::to_string(seen["scheduled_event_id"].get<std::int64_t>()) ==
        failed["scheduledEventId"]);
  CHECK(std::to_string(seen["started_event_id"].get<std::int64_t>()) == failed["startedEventId"]);
  CHECK_FALSE(seen["identity"].get<std::string>().empty());
  CHECK(seen["identity"] == failed["identity"]);
  // Not retried although the policy allows three attempts: the Python error said so.
  CHECK(seen["retry_state"] == "NON_RETRYABLE_FAILURE");
  CHECK(failed["retryState"] == "RETRY_STATE_NON_RETRYABLE_FAILURE");

  // The Python activity's own error, with what it said, and the source it was written with.
  const json& cause = seen["cause"];
  CHECK(cause["class"] == "ApplicationError");
  CHECK(cause["type"] == "CardDeclined");
  CHECK(cause["message"] == "card declined for 20000");
  CHECK(cause["non_retryable"] == true);
  CHECK(cause["details"] == json::array({{{"order", "order-9"}}}));
  CHECK(cause["source"] == failed["failure"].value("source", ""));
}

TEST_CASE("an input the definition's schema refuses fails the run, non-retryable, saying where") {
  const json seen = PythonClient("invalid");
  INFO(seen.dump(2));
  CHECK(seen["failed"] == true);
  CHECK(seen["type"] == "InvalidInput");
  CHECK(seen["non_retryable"] == true);
  CHECK_THAT(seen["message"].get<std::string>(), Catch::Contains("/start"));
}

TEST_CASE("a weft workflow calls an activity that a Python worker serves on its own queue") {
  auto client = weft::testing::ConnectClient(weft::testing::DevServer::Shared().address());
  const std::string id = weft::testing::UniqueName("greets");
  REQUIRE(client.Start("interop-greets", {{"name", "Ada"}},
                       {.workflow_id = id, .task_queue = Weft().queue}));
  weft::testing::WaitUntilClosed(client, id);
  auto outcome = client.Result({.workflow_id = id});
  REQUIRE(outcome);
  CHECK(outcome->result == json{{"greeting", "Hello, Ada!"}});
}

TEST_CASE("a Python workflow runs a weft workflow as its child") {
  const json seen = PythonClient("child");
  CHECK(seen == json{{"child_result", {{"greeting", "Hello, Grace!"}}}});
}

TEST_CASE("the temporal CLI starts, describes and shows a weft workflow") {
  const std::string id = weft::testing::UniqueName("cli-greets");
  ProcessResult ran =
      TemporalCli({"workflow", "start", "--type", "interop-greets", "--task-queue", Weft().queue,
                   "--workflow-id", id, "--input", R"({"name": "Linus"})"});
  INFO(ran.out << ran.err);
  REQUIRE(ran.exit_code == 0);

  auto client = weft::testing::ConnectClient(weft::testing::DevServer::Shared().address());
  weft::testing::WaitUntilClosed(client, id);

  ran = TemporalCli({"workflow", "describe", "--workflow-id", id, "-o", "json"});
  INFO(ran.out << ran.err);
  REQUIRE(ran.exit_code == 0);
  const json described = json::parse(ran.out);
  CHECK(described["workflowExecutionInfo"]["type"]["name"] == "interop-greets");
  CHECK(described["workflowExecutionInfo"]["status"] == "WORKFLOW_EXECUTION_STATUS_COMPLETED");

  ran = TemporalCli({"workflow", "show", "--workflow-id", id, "-o", "json"});
  INFO(ran.out << ran.err);
  REQUIRE(ran.exit_code == 0);
  const json history = json::parse(ran.out);
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_ACTIVITY_TASK_COMPLETED") == 1);
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_MARKER_RECORDED") == 1);  // the pin
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED") == 1);
}
