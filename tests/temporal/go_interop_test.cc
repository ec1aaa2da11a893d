// weft among Go programs: the real `weft worker` on a dev server, and the official Go SDK
// (tests/go, built by the Go toolchain) as the other side. A Go workflow runs weft workflows as
// its children (a result, a signal to the child, typed failures whose info fields are what the
// server recorded, down to the original `source` of the cause); a weft workflow calls Go
// activities on the Go worker's queue (a typed input with `int` fields, retryable and
// non-retryable errors, cancellation seen through heartbeats); a Go client queries and updates
// a weft workflow. Every expectation about an event id, an identity or a retry state is read
// from the run's history, not written here.

#include <catch2/catch.hpp>
#include <string>

#include "tests/support/dev_server.h"
#include "tests/support/python_worker.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::DevServer;
using weft::testing::ProcessResult;
using weft::testing::RunProcess;

const std::string& GoQueue() {
  static const std::string queue = weft::testing::UniqueName("go-interop");
  return queue;
}

// The definitions the Go side drives or is called by.
std::string Definitions(const std::string& go_queue) {
  return R"(dsl: 1
name: go-counter
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
---
dsl: 1
name: go-greets-when-told
input:
  type: object
  required: [name]
  properties: {name: {type: string}}
handlers:
  signals:
    proceed: {}
steps:
  - id: wait_for_go_ahead
    await: {signal: proceed, timeout: 1m}
    result: go_ahead
output: '${ {"greeting": "Hello, " + input.name + "!", "by": vars.go_ahead.by} }'
---
dsl: 1
name: go-declines
input:
  type: object
  properties: {price_cents: {type: number}}
steps:
  - id: charge
    call: Decline
    task_queue: )" +
         go_queue +
         R"(
    args: {sku: tee, quantity: 2, price_cents: '${ input.price_cents }'}
    timeouts: {start_to_close: 10s}
---
dsl: 1
name: go-child-fails
steps:
  - id: delegate
    workflow: {name: go-fails, task_queue: )" +
         go_queue + R"(, input: {}}
---
dsl: 1
name: go-calls-activities
input:
  type: object
  required: [quantity, price_cents]
  properties: {quantity: {type: number}, price_cents: {type: number}}
vars:
  declined: null
defaults:
  call:
    task_queue: )" +
         go_queue + R"(
    timeouts: {start_to_close: 10s}
steps:
  - id: reserve
    call: Reserve
    args: {sku: tee, quantity: '${ input.quantity }', price_cents: '${ input.price_cents }'}
    result: reservation
  - id: flaky
    call: Flaky
    retry: {initial_interval: 100ms, maximum_attempts: 5}
    result: attempts
  - id: guarded
    try:
      steps:
        - id: decline
          call: Decline
          args: {sku: tee, quantity: 1, price_cents: '${ input.price_cents }'}
          retry: {initial_interval: 100ms, maximum_attempts: 5}
      catch:
        - errors: [CardDeclined]
          as: declined
          steps:
            - id: note
              set: {declined: '${ declined }'}
output:
  reservation: ${ vars.reservation }
  attempts: ${ vars.attempts }
  declined: ${ vars.declined }
---
dsl: 1
name: go-heartbeat-cancel
steps:
  - id: race
    parallel:
      mode: any
      branches:
        - id: work
          steps:
            - id: waits
              call: Waits
              task_queue: )" +
         go_queue + R"(
              timeouts: {start_to_close: 1m, heartbeat: 2s}
        - id: timer
          steps:
            - id: enough
              wait: 2s
    result: race
output: ${ vars.race.branch }
)";
}

struct Sides {
  weft::testing::TempFolder workflows{"weft-go-interop"};
  std::string weft_queue = weft::testing::UniqueName("weft-go-interop");
  std::unique_ptr<weft::testing::ChildProcess> go_worker;
  std::unique_ptr<weft::testing::ChildProcess> weft_worker;

  Sides() {
    // One file per definition, as a user keeps them.
    const std::string all = Definitions(GoQueue());
    for (std::size_t begin = 0, n = 0; begin < all.size(); ++n) {
      std::size_t end = all.find("---\n", begin);
      if (end == std::string::npos) end = all.size();
      workflows.Write("def" + std::to_string(n) + ".yaml", all.substr(begin, end - begin));
      begin = end == all.size() ? end : end + 4;
    }
    const std::string address = DevServer::Shared().address();
    go_worker = weft::testing::ChildProcess::Start({WEFT_GO_INTEROP, "worker", address, GoQueue()});
    go_worker->WaitForOutput("ready", std::chrono::seconds(60));
    weft_worker = weft::testing::StartWeftWorker(address, weft_queue, workflows.path());
  }
};

Sides& Both() {
  static Sides sides;
  return sides;
}

json GoClient(const std::string& scenario, const json& argument) {
  const ProcessResult ran = RunProcess(
      {WEFT_GO_INTEROP, "client", DevServer::Shared().address(), scenario, argument.dump()});
  INFO(ran.err << "\nweft worker:\n"
               << Both().weft_worker->LogTail() << "\nGo worker:\n"
               << Both().go_worker->LogTail());
  REQUIRE(ran.exit_code == 0);
  return json::parse(ran.out);
}

// A Go parent running the weft workflow `workflow` as its child, with id `child_id`.
json GoParent(const std::string& workflow, const json& input, const std::string& child_id,
              const json& signal = nullptr) {
  json child = {{"workflow", workflow},
                {"input", input},
                {"task_queue", Both().weft_queue},
                {"id", child_id}};
  if (!signal.is_null()) child["signal"] = signal;
  return GoClient("parent", {{"go_queue", GoQueue()}, {"child", child}});
}

// The attributes of the one event of `type` in a history (proto JSON: int64s are strings).
json EventAttributes(const json& history, const std::string& type, const std::string& key) {
  json found;
  int count = 0;
  for (const json& event : history["events"]) {
    if (event.value("eventType", "") != type) continue;
    ++count;
    found = event[key];
  }
  INFO(type << " in " << history.dump().substr(0, 4000));
  REQUIRE(count == 1);
  return found;
}

std::int64_t Int(const json& value) {
  return value.is_string() ? std::stoll(value.get<std::string>()) : value.get<std::int64_t>();
}

}  // namespace

TEST_CASE("a Go client starts a weft workflow by name, queries and updates it") {
  const json seen =
      GoClient("drive", {{"workflow", "go-counter"}, {"task_queue", Both().weft_queue}});
  INFO(seen.dump(2));
  CHECK(seen["initial"] == 2);
  CHECK(seen["update"] == json{{"total", 7}});
  CHECK(seen["after_update"] == 7);
  // The validator refused it: the Go SDK raises the failure, and nothing changed.
  REQUIRE(seen["rejected"].is_array());
  CHECK(seen["rejected"][0]["kind"] == "ApplicationError");
  CHECK(seen["rejected"][0]["type"] == "UpdateRejected");
  CHECK(seen["after_rejection"] == 7);
  CHECK_THAT(seen["unknown_query"].get<std::string>(),
             Catch::Contains("KnownQueryTypes=[") && Catch::Contains("total"));
  CHECK(seen["result"] == json{{"total", 7}});
}

TEST_CASE("a Go workflow runs a weft workflow as its child and signals it") {
  const json seen = GoParent("go-greets-when-told", {{"name", "Gopher"}},
                             weft::testing::UniqueName("go-child-greets"),
                             {{"name", "proceed"}, {"payload", {{"by", "the Go parent"}}}});
  INFO(seen.dump(2));
  CHECK(seen["error"].is_null());
  CHECK(seen["result"] == json{{"greeting", "Hello, Gopher!"}, {"by", "the Go parent"}});
}

TEST_CASE("a weft child's activity failure reaches a Go parent typed, as the server recorded it") {
  const std::string child_id = weft::testing::UniqueName("go-child-declines");
  const json seen = GoParent("go-declines", {{"price_cents", 20000}}, child_id);
  INFO(seen.dump(2));
  const json& chain = seen["error"];
  REQUIRE(chain.is_array());
  REQUIRE(chain.size() == 3);

  auto client = weft::testing::ConnectClient(DevServer::Shared().address());
  const json parent_history = weft::testing::HistoryOf(client, "go-parent-" + child_id);
  const json child_history = weft::testing::HistoryOf(client, child_id);

  // The parent's view of its child: the server's ChildWorkflowExecutionFailed event.
  const json child_failed =
      EventAttributes(parent_history, "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED",
                      "childWorkflowExecutionFailedEventAttributes");
  CHECK(chain[0]["kind"] == "ChildWorkflowExecutionError");
  CHECK(chain[0]["workflow_type"] == "go-declines");
  CHECK(chain[0]["initiated_event_id"] == Int(child_failed["initiatedEventId"]));
  CHECK(chain[0]["started_event_id"] == Int(child_failed["startedEventId"]));

  // What weft wrote of its activity's failure: the ids, identity and retry state of the
  // server's ActivityTaskFailed event, as the Go SDK reads them.
  const json activity_failed = EventAttributes(child_history, "EVENT_TYPE_ACTIVITY_TASK_FAILED",
                                               "activityTaskFailedEventAttributes");
  CHECK(chain[1]["kind"] == "ActivityError");
  CHECK(chain[1]["activity_type"] == "Decline");
  CHECK(chain[1]["scheduled_event_id"].get<std::int64_t>() > 0);
  CHECK(chain[1]["scheduled_event_id"] == Int(activity_failed["scheduledEventId"]));
  CHECK(chain[1]["started_event_id"] == Int(activity_failed["startedEventId"]));
  CHECK_FALSE(chain[1]["identity"].get<std::string>().empty());
  CHECK(chain[1]["identity"] == activity_failed["identity"]);
  CHECK(chain[1]["retry_state"] == "RETRY_STATE_NON_RETRYABLE_FAILURE");
  CHECK(activity_failed["retryState"] == "RETRY_STATE_NON_RETRYABLE_FAILURE");

  // The Go activity's own error, typed, with its details; an int stayed an int on the way.
  CHECK(chain[2]["kind"] == "ApplicationError");
  CHECK(chain[2]["type"] == "CardDeclined");
  CHECK(chain[2]["message"] == "card declined for 40000 cents");
  CHECK(chain[2]["non_retryable"] == true);
  CHECK(chain[2]["details"] == json{{"sku", "tee"}});

  // The failure as weft recorded it: the cause keeps the source the Go SDK gave it.
  const json& recorded = seen["recorded"];
  REQUIRE(recorded.is_array());
  REQUIRE(recorded.size() == 2);
  CHECK(recorded[0]["kind"] == "activity");
  CHECK(recorded[0]["retry_state"] == "RETRY_STATE_NON_RETRYABLE_FAILURE");
  CHECK(recorded[1]["kind"] == "application");
  CHECK(recorded[1]["source"] == "GoSDK");
}

TEST_CASE("a weft workflow's failed Go child reaches a Go parent with the child failure's info") {
  const std::string child_id = weft::testing::UniqueName("go-child-fails");
  const json seen = GoParent("go-child-fails", json::object(), child_id);
  INFO(seen.dump(2));
  const json& chain = seen["error"];
  REQUIRE(chain.is_array());
  REQUIRE(chain.size() == 3);

  // The weft run's own ChildWorkflowExecutionFailed event, which its failure must carry.
  auto client = weft::testing::ConnectClient(DevServer::Shared().address());
  const json weft_history = weft::testing::HistoryOf(client, child_id);
  const json failed = EventAttributes(weft_history, "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED",
                                      "childWorkflowExecutionFailedEventAttributes");
  CHECK(chain[0]["kind"] == "ChildWorkflowExecutionError");
  CHECK(chain[0]["workflow_type"] == "go-child-fails");
  CHECK(chain[1]["kind"] == "ChildWorkflowExecutionError");
  CHECK(chain[1]["workflow_type"] == "go-fails");
  CHECK(chain[1]["workflow_id"] == failed["workflowExecution"]["workflowId"]);
  CHECK(chain[1]["initiated_event_id"].get<std::int64_t>() > 0);
  CHECK(chain[1]["initiated_event_id"] == Int(failed["initiatedEventId"]));
  CHECK(chain[1]["started_event_id"] == Int(failed["startedEventId"]));
  CHECK(chain[1]["retry_state"] == failed["retryState"]);
  CHECK(chain[2]["kind"] == "ApplicationError");
  CHECK(chain[2]["type"] == "GoBroken");
  CHECK(chain[2]["details"] == json{{"why", "on purpose"}});

  const json& recorded = seen["recorded"];
  REQUIRE(recorded.size() == 2);
  CHECK(recorded[0]["kind"] == "child");
  CHECK(recorded[0]["initiated_event_id"] == Int(failed["initiatedEventId"]));
  CHECK(recorded[1]["source"] == "GoSDK");
}

TEST_CASE("a weft workflow calls Go activities: typed ints, retries, a non-retryable error") {
  auto client = weft::testing::ConnectClient(DevServer::Shared().address());
  const std::string id = weft::testing::UniqueName("go-calls-activities");
  REQUIRE(client.Start("go-calls-activities", {{"quantity", 3}, {"price_cents", 20000}},
                       {.workflow_id = id, .task_queue = Both().weft_queue}));
  weft::testing::WaitUntilClosed(client, id);
  auto outcome = client.Result({.workflow_id = id});
  INFO(Both().weft_worker->LogTail() << "\nGo worker:\n" << Both().go_worker->LogTail());
  REQUIRE(outcome);
  INFO(outcome->result.dump(2) << outcome->failure.dump(2));
  // Decoded into Go ints and multiplied there.
  CHECK(outcome->result["reservation"] == json{{"sku", "tee"}, {"total_cents", 60000}});
  // Two retryable failures, then success on the third attempt.
  CHECK(outcome->result["attempts"] == 3);
  const json& declined = outcome->result["declined"];
  CHECK(declined["type"] == "CardDeclined");
  CHECK(declined["retryable"] == false);
  CHECK(declined["message"] == "card declined for 20000 cents");

  // The non-retryable error was not retried although the policy allows five attempts.
  const json history = weft::testing::HistoryOf(client, id);
  int decline_attempts = 0;
  std::map<std::string, std::string> type_by_event;
  for (const json& event : history["events"]) {
    if (event["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED") {
      type_by_event[event["eventId"].get<std::string>()] =
          event["activityTaskScheduledEventAttributes"]["activityType"]["name"];
    }
    if (event["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_STARTED") {
      const json& started = event["activityTaskStartedEventAttributes"];
      if (type_by_event[started["scheduledEventId"].get<std::string>()] == "Decline") {
        decline_attempts += static_cast<int>(Int(started.value("attempt", json(1))));
      }
    }
  }
  CHECK(decline_attempts == 1);
}

TEST_CASE("a Go activity sees the cancellation of its weft step through its heartbeats") {
  auto client = weft::testing::ConnectClient(DevServer::Shared().address());
  const std::string id = weft::testing::UniqueName("go-heartbeat");
  REQUIRE(client.Start("go-heartbeat-cancel", json::object(),
                       {.workflow_id = id, .task_queue = Both().weft_queue}));
  weft::testing::WaitUntilClosed(client, id);
  auto outcome = client.Result({.workflow_id = id});
  REQUIRE(outcome);
  CHECK(outcome->result == "timer");
  const json history = weft::testing::HistoryOf(client, id);
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED") == 1);
  // The Go activity stops when a heartbeat tells it (it prints so, then returns).
  Both().go_worker->WaitForOutput("Waits: cancelled", std::chrono::seconds(20));
}
