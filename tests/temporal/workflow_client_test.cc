// WorkflowClient and the client commands against a real dev server, with the official Python
// SDK on the other side (tests/python/interop_worker.py): whatever weft sends, Python must
// read, and whatever Python answers, weft must read, as a Python client would.

#include "runtime/temporal/workflow_client.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/support/dev_server.h"
#include "tests/support/python_worker.h"
#include "tests/support/subprocess.h"

namespace {

using nlohmann::json;
using weft::temporal::ClientError;
using weft::temporal::WorkflowClient;
using weft::temporal::WorkflowExecution;
using weft::temporal::WorkflowOutcome;
using weft::testing::DevServer;
using weft::testing::RunProcess;
using weft::testing::WeftBinary;

const std::string& TaskQueue() { return weft::testing::PythonTaskQueue(); }

WorkflowClient Client() {
  TaskQueue();
  auto client = WorkflowClient::Connect({.address = DevServer::Shared().address()});
  REQUIRE(client);
  return *client;
}

std::string UniqueId(const std::string& prefix) {
  static int counter = 0;
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

}  // namespace

TEST_CASE("a started workflow's input and result cross the SDK boundary intact") {
  WorkflowClient client = Client();
  const json order = {{"name", "Ada"}, {"items", {1, 2.5, "three", nullptr, json::object()}}};
  auto execution =
      client.Start("py-echo", order, {.workflow_id = UniqueId("echo"), .task_queue = TaskQueue()});
  REQUIRE(execution);
  CHECK_FALSE(execution->run_id.empty());

  auto outcome = client.Result(*execution);
  REQUIRE(outcome);
  REQUIRE(outcome->status == WorkflowOutcome::Status::kCompleted);
  CHECK(outcome->result["greeting"] == "Hello, Ada!");
  CHECK(outcome->result["order"] == order);
}

TEST_CASE("signals, queries and updates reach a Python workflow") {
  WorkflowClient client = Client();
  auto execution = client.Start("py-counter", 1,
                                {.workflow_id = UniqueId("counter"), .task_queue = TaskQueue()});
  REQUIRE(execution);

  REQUIRE(client.Signal(*execution, "add", 2));
  REQUIRE(client.Signal(*execution, "add", 3));
  auto total = client.Query(*execution, "total", nullptr);
  REQUIRE(total);
  CHECK(*total == 6);

  auto updated = client.Update(*execution, "add_and_get", 4);
  REQUIRE(updated);
  CHECK(*updated == 10);

  auto rejected = client.Update(*execution, "add_and_get", -1);
  REQUIRE_FALSE(rejected);
  CHECK(rejected.error().kind == ClientError::Kind::kUpdateFailed);
  CHECK_THAT(rejected.error().message, Catch::Contains("must not be negative"));
  // The rejected update changed nothing.
  CHECK(*client.Query(*execution, "total", nullptr) == 10);

  auto unknown = client.Query(*execution, "no-such-query", nullptr);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == ClientError::Kind::kQueryFailed);

  REQUIRE(client.Signal(*execution, "finish", nullptr));
  auto outcome = client.Result(*execution);
  REQUIRE(outcome);
  CHECK(outcome->status == WorkflowOutcome::Status::kCompleted);
  CHECK(outcome->result == 10);
}

TEST_CASE("a workflow failure arrives with its type, details and retryability") {
  WorkflowClient client = Client();
  auto execution = client.Start("py-fails", {{"id", "order-7"}},
                                {.workflow_id = UniqueId("fails"), .task_queue = TaskQueue()});
  REQUIRE(execution);
  auto outcome = client.Result(*execution);
  REQUIRE(outcome);
  REQUIRE(outcome->status == WorkflowOutcome::Status::kFailed);
  CHECK(outcome->failure["message"] == "card declined");
  CHECK(outcome->failure["kind"] == "application");
  CHECK(outcome->failure["type"] == "CardDeclined");
  CHECK(outcome->failure["non_retryable"] == true);
  // One payload of details reads as that value, as weft's own failures carry theirs.
  CHECK(outcome->failure["details"] == json{{"order", "order-7"}});
}

TEST_CASE("cancel and terminate end a waiting workflow") {
  WorkflowClient client = Client();
  auto cancelled = client.Start("py-waits", nullptr,
                                {.workflow_id = UniqueId("cancel"), .task_queue = TaskQueue()});
  REQUIRE(cancelled);
  REQUIRE(client.Cancel(*cancelled, "no longer needed"));
  auto outcome = client.Result(*cancelled);
  REQUIRE(outcome);
  CHECK(outcome->status == WorkflowOutcome::Status::kCancelled);

  auto terminated = client.Start("py-waits", nullptr,
                                 {.workflow_id = UniqueId("terminate"), .task_queue = TaskQueue()});
  REQUIRE(terminated);
  REQUIRE(client.Terminate(*terminated, "stuck"));
  outcome = client.Result(*terminated);
  REQUIRE(outcome);
  CHECK(outcome->status == WorkflowOutcome::Status::kTerminated);
  CHECK(outcome->failure["reason"] == "stuck");
}

TEST_CASE("client errors say what and where") {
  WorkflowClient client = Client();
  const std::string id = UniqueId("dup");
  REQUIRE(client.Start("py-waits", nullptr, {.workflow_id = id, .task_queue = TaskQueue()}));
  auto again = client.Start("py-waits", nullptr, {.workflow_id = id, .task_queue = TaskQueue()});
  REQUIRE_FALSE(again);
  CHECK(again.error().kind == ClientError::Kind::kAlreadyStarted);
  CHECK_THAT(again.error().message, Catch::Contains(id));
  REQUIRE(client.Terminate({id, ""}, "test over"));

  auto missing = client.Signal({"no-such-workflow", ""}, "add", 1);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ClientError::Kind::kNotFound);

  auto no_queue = client.Start("py-echo", nullptr, {});
  REQUIRE_FALSE(no_queue);
  CHECK(no_queue.error().kind == ClientError::Kind::kInvalidArgument);
}

TEST_CASE("weft history prints what `temporal workflow show -o json` prints") {
  WorkflowClient client = Client();
  const std::string id = UniqueId("history");
  auto execution =
      client.Start("py-echo", {{"name", "Grace"}}, {.workflow_id = id, .task_queue = TaskQueue()});
  REQUIRE(execution);
  REQUIRE(client.Result(*execution));

  auto ours = RunProcess({WeftBinary(), "history", id, "--address", DevServer::Shared().address()});
  REQUIRE(ours.exit_code == 0);
  auto theirs = RunProcess({weft::testing::RequiredEnv("WEFT_TEMPORAL_CLI"), "workflow", "show",
                            "--workflow-id", id, "--address", DevServer::Shared().address(),
                            "--output", "json"});
  REQUIRE(theirs.exit_code == 0);
  const json our_history = json::parse(ours.out);
  CHECK(our_history["events"].size() >= 11);
  CHECK(our_history == json::parse(theirs.out));
}

TEST_CASE("the client commands drive a Python workflow from the shell") {
  Client();
  const std::string address = DevServer::Shared().address();
  const std::string id = UniqueId("cli");

  auto started = RunProcess({WeftBinary(), "start", "py-counter", "--input", "5", "--id", id,
                             "--task-queue", TaskQueue(), "--address", address});
  REQUIRE(started.exit_code == 0);
  CHECK(json::parse(started.out)["workflow_id"] == id);

  CHECK(RunProcess({WeftBinary(), "signal", id, "add", "--input", "2", "--address", address})
            .exit_code == 0);
  auto queried = RunProcess({WeftBinary(), "query", id, "total", "--address", address});
  REQUIRE(queried.exit_code == 0);
  CHECK(json::parse(queried.out) == 7);

  auto updated =
      RunProcess({WeftBinary(), "update", id, "add_and_get", "-i", "1", "--address", address});
  REQUIRE(updated.exit_code == 0);
  CHECK(json::parse(updated.out) == 8);

  auto rejected =
      RunProcess({WeftBinary(), "update", id, "add_and_get", "-i", "-3", "--address", address});
  CHECK(rejected.exit_code == 1);
  CHECK_THAT(rejected.err, Catch::Contains("must not be negative"));

  auto bad_input =
      RunProcess({WeftBinary(), "signal", id, "add", "--input", "{oops", "--address", address});
  CHECK(bad_input.exit_code == 2);
  CHECK_THAT(bad_input.err, Catch::Contains("invalid JSON in the value of --input"));

  CHECK(RunProcess({WeftBinary(), "signal", id, "finish", "--address", address}).exit_code == 0);
  auto result = RunProcess({WeftBinary(), "result", id, "--address", address});
  REQUIRE(result.exit_code == 0);
  CHECK(json::parse(result.out) == 8);

  const std::string failing_id = UniqueId("cli-fails");
  auto failed =
      RunProcess({WeftBinary(), "start", "py-fails", "--input", R"({"id":"o-1"})", "--id",
                  failing_id, "--task-queue", TaskQueue(), "--address", address, "--wait"});
  CHECK(failed.exit_code == 1);
  CHECK_THAT(json::parse(failed.out).dump(), Catch::Contains("CardDeclined"));
  CHECK_THAT(failed.err, Catch::Contains("failed: card declined"));
  // The result of the latest run names that run, though the command named none.
  auto failed_result = RunProcess({WeftBinary(), "result", failing_id, "--address", address});
  CHECK(failed_result.exit_code == 1);
  CHECK_THAT(failed_result.err, Catch::Contains(" (" + failing_id + ") failed"));
  CHECK_THAT(failed_result.err, !Catch::Contains("run  ("));
}

TEST_CASE("a server that is not there is a clear error, not a hang") {
  const int port = weft::testing::FreeLoopbackPort();
  auto result = RunProcess(
      {WeftBinary(), "query", "any", "total", "--address", "127.0.0.1:" + std::to_string(port)});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err,
             Catch::Contains("no Temporal server answered at 127.0.0.1:" + std::to_string(port)));
}
