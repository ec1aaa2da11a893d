// The activity worker against a real dev server, with a workflow of the official Python SDK
// calling activities that weft serves: results, typed failures, a retry delay the activity
// asks for, and cancellation through heartbeats, all as Python sees them.

#include "runtime/temporal/activity_worker.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "runtime/temporal/grpc_connection.h"
#include "runtime/temporal/workflow_client.h"
#include "tests/support/dev_server.h"
#include "tests/support/python_worker.h"

namespace {

using nlohmann::json;
using weft::activity::ActivityContext;
using weft::activity::ActivityError;
using weft::activity::ActivityRegistry;
using weft::activity::ActivityResult;
using weft::temporal::WorkflowClient;
using weft::temporal::WorkflowOutcome;
using weft::testing::DevServer;
using namespace std::chrono_literals;

void Register(ActivityRegistry& registry, const std::string& name,
              weft::activity::ActivityFunction function) {
  REQUIRE(registry.Register({.name = name, .description = name, .function = std::move(function)}));
}

ActivityRegistry& TestActivities() {
  static ActivityRegistry registry;
  static bool filled = false;
  if (filled) return registry;
  filled = true;
  Register(registry, "test.double", [](const json& input, ActivityContext&) -> ActivityResult {
    return json{{"n", input.at("n").get<int>() * 2}};
  });
  Register(registry, "test.decline", [](const json&, ActivityContext&) -> ActivityResult {
    return std::unexpected(
        ActivityError::NonRetryable("CardDeclined", "card declined", {{"card", "visa"}}));
  });
  // Fails its first attempt asking to be retried after 300 ms (the policy says 5 s).
  Register(registry, "test.flaky", [](const json&, ActivityContext& context) -> ActivityResult {
    if (context.Info().attempt == 1) {
      ActivityError error = ActivityError::Retryable("Busy", "try again soon");
      error.next_retry_delay = 300ms;
      return std::unexpected(error);
    }
    return json{{"attempt", context.Info().attempt}};
  });
  Register(registry, "test.wait_for_cancel",
           [](const json&, ActivityContext& context) -> ActivityResult {
             for (int beat = 0; beat < 300 && !context.IsCancelled(); ++beat) {
               context.Heartbeat({{"beat", beat}});
               context.WaitForCancel(100ms);
             }
             if (context.IsCancelled()) return std::unexpected(ActivityError::Cancelled());
             return json("never cancelled");
           });
  return registry;
}

class RunningActivityWorker {
 public:
  explicit RunningActivityWorker(const std::string& task_queue) {
    auto connection =
        weft::temporal::GrpcConnection::Open({.address = DevServer::Shared().address()});
    REQUIRE(connection);
    worker_ = std::make_unique<weft::temporal::ActivityWorker>(
        *connection, weft::temporal::ActivityWorkerOptions{.task_queue = task_queue},
        TestActivities());
    thread_ = std::thread([this] { worker_->Run(); });
  }
  ~RunningActivityWorker() {
    worker_->Stop();
    thread_.join();
  }

 private:
  std::unique_ptr<weft::temporal::ActivityWorker> worker_;
  std::thread thread_;
};

// Runs py-calls-weft, which calls `call["activity"]` on the weft worker's queue.
json CallFromPython(json call) {
  static int counter = 0;
  const std::string queue = "weft-activities-" + std::to_string(getpid());
  // A worker per call: a static one would outlive the loggers it uses at shutdown.
  RunningActivityWorker worker(queue);
  call["task_queue"] = queue;
  auto client = WorkflowClient::Connect({.address = DevServer::Shared().address()});
  REQUIRE(client);
  auto execution = client->Start(
      "py-calls-weft", call,
      {.workflow_id = "calls-weft-" + std::to_string(getpid()) + "-" + std::to_string(counter++),
       .task_queue = weft::testing::PythonTaskQueue()});
  REQUIRE(execution);
  auto outcome = client->Result(*execution);
  REQUIRE(outcome);
  INFO(outcome->failure.dump());
  REQUIRE(outcome->status == WorkflowOutcome::Status::kCompleted);
  return outcome->result;
}

}  // namespace

TEST_CASE("a Python workflow gets a weft activity's result") {
  json seen = CallFromPython({{"activity", "test.double"}, {"input", {{"n", 21}}}});
  CHECK(seen["status"] == "completed");
  CHECK(seen["result"] == json{{"n", 42}});
}

TEST_CASE("a weft activity's typed failure reaches Python as an ApplicationError") {
  json seen = CallFromPython({{"activity", "test.decline"}, {"attempts", 5}});
  CHECK(seen["status"] == "failed");
  CHECK(seen["type"] == "CardDeclined");
  CHECK(seen["message"] == "card declined");
  CHECK(seen["non_retryable"] == true);
  CHECK(seen["details"] == json::array({{{"card", "visa"}}}));
}

TEST_CASE("an activity that names its next retry delay is retried after it") {
  const auto start = std::chrono::steady_clock::now();
  json seen = CallFromPython({{"activity", "test.flaky"}, {"attempts", 3}});
  CHECK(seen["status"] == "completed");
  CHECK(seen["result"]["attempt"] == 2);
  // The retry policy's own interval is 5 s.
  CHECK(std::chrono::steady_clock::now() - start < 4s);
}

TEST_CASE("cancellation reaches a heartbeating activity") {
  json seen = CallFromPython({{"activity", "test.wait_for_cancel"}, {"cancel_after_ms", 500}});
  CHECK(seen["status"] == "cancelled");
}

TEST_CASE("an activity nobody registered fails without retries, naming it") {
  json seen = CallFromPython({{"activity", "test.missing"}, {"attempts", 5}});
  CHECK(seen["status"] == "failed");
  CHECK(seen["type"] == "ActivityNotFound");
  CHECK(seen["non_retryable"] == true);
  CHECK_THAT(seen["message"].get<std::string>(), Catch::Contains("test.missing"));
}
