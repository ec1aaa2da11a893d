// The activity worker against a FakeConnection that plays the server: what it answers for an
// activity that returns, fails or is cancelled, and how heartbeats reach the server and carry
// cancellation back. activity_worker_test.cc runs the same worker against a real dev server,
// with a workflow of the official Python SDK on the other side.

#include <catch2/catch.hpp>
#include <memory>
#include <thread>

#include "runtime/temporal/activity_worker.h"
#include "runtime/temporal/payload.h"
#include "tests/temporal/fake_connection.h"

namespace {

namespace activity = weft::activity;
namespace workflowservice = ::temporal::api::workflowservice::v1;
using nlohmann::json;
using weft::testing::FakeConnection;
using namespace std::chrono_literals;

constexpr char kQueue[] = "orders";

std::unique_ptr<activity::ActivityRegistry> Activities() {
  auto registry = std::make_unique<activity::ActivityRegistry>();
  REQUIRE(registry->Register({.name = "math.add",
                              .function = [](const json& input, activity::ActivityContext& context)
                                  -> activity::ActivityResult {
                                context.Heartbeat({{"step", 1}});
                                return json{{"sum", input["a"].get<int>() + input["b"].get<int>()}};
                              }}));
  REQUIRE(registry->Register(
      {.name = "math.refuse",
       .function = [](const json&, activity::ActivityContext&) -> activity::ActivityResult {
         return std::unexpected(activity::ActivityError::NonRetryable("Refused", "not today"));
       }}));
  // Waits to be cancelled, which it learns from a heartbeat's answer.
  REQUIRE(registry->Register(
      {.name = "math.wait",
       .function = [](const json&, activity::ActivityContext& context) -> activity::ActivityResult {
         context.Heartbeat(nullptr);
         if (context.WaitForCancel(10s))
           return std::unexpected(activity::ActivityError::Cancelled());
         return json("never cancelled");
       }}));
  return registry;
}

// An ActivityWorker of Activities() on the fake server, from a thread of its own.
class WorkerOnFakeServer {
 public:
  WorkerOnFakeServer()
      : server_(std::make_shared<FakeConnection>()),
        registry_(Activities()),
        worker_(server_, {.task_queue = kQueue, .max_concurrent = 2}, *registry_),
        thread_([this] { worker_.Run(); }) {}

  ~WorkerOnFakeServer() {
    worker_.Stop();
    server_->EndPolls();
    thread_.join();
  }

  FakeConnection& server() { return *server_; }

  // Hands out a task of `activity_type` with `input`, as a poll of the queue receives it.
  void Hand(const std::string& token, const std::string& activity_type, const json& input) {
    workflowservice::PollActivityTaskQueueResponse task;
    task.set_task_token(token);
    task.mutable_workflow_execution()->set_workflow_id("order-1");
    task.mutable_workflow_execution()->set_run_id("run-1");
    task.mutable_activity_type()->set_name(activity_type);
    task.set_activity_id("1");
    task.set_attempt(1);
    *task.mutable_input() = weft::temporal::ToPayloads(input);
    server_->AddActivityTask(kQueue, std::move(task));
  }

 private:
  std::shared_ptr<FakeConnection> server_;
  std::unique_ptr<activity::ActivityRegistry> registry_;
  weft::temporal::ActivityWorker worker_;
  std::thread thread_;
};

json Decode(const weft::temporal::Payloads& payloads) {
  auto value = weft::temporal::FromPayloads(payloads);
  REQUIRE(value);
  return *value;
}

}  // namespace

TEST_CASE("an activity's result is answered as one payload, after its first heartbeat") {
  WorkerOnFakeServer worker;
  worker.Hand("token-1", "math.add", {{"a", 2}, {"b", 3}});

  const auto heartbeat =
      worker.server().Next<workflowservice::RecordActivityTaskHeartbeatRequest>();
  CHECK(heartbeat.task_token() == "token-1");
  CHECK(Decode(heartbeat.details()) == json{{"step", 1}});
  const auto completed =
      worker.server().Next<workflowservice::RespondActivityTaskCompletedRequest>();
  CHECK(completed.task_token() == "token-1");
  CHECK(completed.namespace_() == "default");
  CHECK(Decode(completed.result()) == json{{"sum", 5}});
}

TEST_CASE("an activity's error is answered as an ApplicationFailureInfo of its type") {
  WorkerOnFakeServer worker;
  worker.Hand("token-1", "math.refuse", nullptr);

  const auto failed = worker.server().Next<workflowservice::RespondActivityTaskFailedRequest>();
  CHECK(failed.task_token() == "token-1");
  CHECK(failed.failure().message() == "not today");
  CHECK(failed.failure().application_failure_info().type() == "Refused");
  CHECK(failed.failure().application_failure_info().non_retryable());
  CHECK(worker.server().All<workflowservice::RespondActivityTaskCompletedRequest>().empty());
}

TEST_CASE("a heartbeat the server no longer knows cancels the activity, which answers cancelled") {
  WorkerOnFakeServer worker;
  // The attempt timed out on the server: its heartbeat gets NOT_FOUND.
  worker.server().FailNextCall("RecordActivityTaskHeartbeat", grpc::StatusCode::NOT_FOUND);
  worker.Hand("token-1", "math.wait", nullptr);

  const auto cancelled =
      worker.server().Next<workflowservice::RespondActivityTaskCanceledRequest>();
  CHECK(cancelled.task_token() == "token-1");
  CHECK(worker.server().All<workflowservice::RespondActivityTaskCompletedRequest>().empty());
}

TEST_CASE("an activity type nobody registered fails as a non-retryable ActivityNotFound") {
  WorkerOnFakeServer worker;
  worker.Hand("token-1", "math.unknown", nullptr);

  const auto failed = worker.server().Next<workflowservice::RespondActivityTaskFailedRequest>();
  CHECK(failed.failure().application_failure_info().type() == "ActivityNotFound");
  CHECK(failed.failure().application_failure_info().non_retryable());
}
