// The workflow worker against a real dev server. The interpreter is a small script here (the
// YAML interpreter is issue 4): what is under test is the protocol, polling, full replay of
// every task, commands the server accepts, an activity served by the official Python SDK on
// another task queue, and non-determinism reported as a failed workflow task.

#include "runtime/temporal/workflow_worker.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "runtime/temporal/grpc_connection.h"
#include "runtime/temporal/workflow_client.h"
#include "tests/support/dev_server.h"
#include "tests/support/python_worker.h"

namespace {

namespace interpreter = weft::interpreter;
using nlohmann::json;
using weft::temporal::GrpcConnection;
using weft::temporal::WorkflowClient;
using weft::temporal::WorkflowOutcome;
using weft::temporal::WorkflowRun;
using weft::temporal::WorkflowWorker;
using weft::testing::DevServer;
using namespace std::chrono_literals;

// Waits 200 ms on a durable timer, then greets through the Python activity, then completes
// with the greeting: three workflow tasks, each replayed from the start. Every run gets a fresh
// copy, as it would a fresh interpreter.
struct TimerThenGreet {
  json input;
  std::vector<interpreter::Command> operator()(const interpreter::Activation& activation) {
    std::vector<interpreter::Command> commands;
    for (const auto& job : activation.jobs) {
      if (const auto* start = std::get_if<interpreter::StartWorkflow>(&job)) {
        input = start->input;
        commands.push_back(interpreter::StartTimer{.seq = 1, .duration = 200ms});
      } else if (std::holds_alternative<interpreter::FireTimer>(job)) {
        commands.push_back(
            interpreter::ScheduleActivity{.seq = 1,
                                          .activity_id = "1",
                                          .activity_type = "greet",
                                          .input = input["name"],
                                          .task_queue = weft::testing::PythonTaskQueue(),
                                          .timeouts = {.start_to_close = 10s},
                                          .step_path = "/steps/1"});
      } else if (const auto* resolved = std::get_if<interpreter::ResolveActivity>(&job)) {
        commands.push_back(
            interpreter::CompleteWorkflow{.result = {{"greeting", resolved->resolution.result}}});
      }
    }
    return commands;
  }
};

// Waits for a signal, then completes; a different version schedules an activity first.
std::vector<interpreter::Command> WaitForSignal(const interpreter::Activation& activation) {
  std::vector<interpreter::Command> commands;
  for (const auto& job : activation.jobs) {
    if (std::holds_alternative<interpreter::StartWorkflow>(job)) {
      commands.push_back(interpreter::StartTimer{.seq = 1, .duration = 1h});
    } else if (std::holds_alternative<interpreter::SignalWorkflow>(job)) {
      commands.push_back(interpreter::CompleteWorkflow{.result = "signalled"});
    }
  }
  return commands;
}

std::vector<interpreter::Command> ChangedWaitForSignal(const interpreter::Activation& activation) {
  std::vector<interpreter::Command> commands;
  for (const auto& job : activation.jobs) {
    if (std::holds_alternative<interpreter::StartWorkflow>(job)) {
      commands.push_back(interpreter::ScheduleActivity{.seq = 1,
                                                       .activity_id = "1",
                                                       .activity_type = "greet",
                                                       .timeouts = {.start_to_close = 10s}});
    }
  }
  return commands;
}

// A counter: signals add, a query reads, an update with a validator adds and answers, and the
// signal "finish" completes. Its state is rebuilt by replay on every task.
struct Counter {
  std::int64_t total = 0;
  std::vector<interpreter::Command> operator()(const interpreter::Activation& activation) {
    std::vector<interpreter::Command> commands;
    for (const auto& job : activation.jobs) {
      if (std::holds_alternative<interpreter::StartWorkflow>(job)) {
        commands.push_back(interpreter::StartTimer{.seq = 1, .duration = 1h});
      } else if (const auto* signal = std::get_if<interpreter::SignalWorkflow>(&job)) {
        if (signal->name == "add") total += signal->payload.get<std::int64_t>();
        if (signal->name == "finish") commands.push_back(interpreter::CompleteWorkflow{total});
      } else if (const auto* update = std::get_if<interpreter::DoUpdate>(&job)) {
        const std::int64_t amount = update->payload.get<std::int64_t>();
        if (update->run_validator && amount < 0) {
          commands.push_back(interpreter::RejectUpdate{
              .id = update->id,
              .failure = {.type = "InvalidAmount", .message = "amount must not be negative"}});
          continue;
        }
        commands.push_back(interpreter::AcceptUpdate{.id = update->id});
        total += amount;
        commands.push_back(interpreter::CompleteUpdate{.id = update->id, .result = total});
      } else if (const auto* query = std::get_if<interpreter::QueryWorkflow>(&job)) {
        if (query->name == "total") {
          commands.push_back(interpreter::RespondToQuery{.id = query->id, .result = total});
        } else {
          commands.push_back(interpreter::RespondToQuery{
              .id = query->id,
              .failure = interpreter::Failure{.type = "UnknownQuery",
                                              .message = "no query named " + query->name}});
        }
      }
    }
    return commands;
  }
};

class RunningWorker {
 public:
  RunningWorker(const std::string& task_queue, WorkflowRun::Interpreter script,
                int max_cached_runs = 1000) {
    auto connection = GrpcConnection::Open({.address = DevServer::Shared().address()});
    REQUIRE(connection);
    worker_ = std::make_unique<WorkflowWorker>(
        *connection,
        weft::temporal::WorkflowWorkerOptions{.task_queue = task_queue,
                                              .max_cached_runs = max_cached_runs},
        [script](const weft::temporal::RunOrigin& origin)
            -> std::expected<WorkflowRun::Interpreter, std::string> {
          if (origin.workflow_type == "unknown-type") {
            return std::unexpected("no workflow named " + origin.workflow_type);
          }
          return script;
        });
    thread_ = std::thread([this] { worker_->Run(); });
  }
  ~RunningWorker() { Stop(); }
  const WorkflowWorker& worker() const { return *worker_; }
  void Stop() {
    if (!thread_.joinable()) return;
    worker_->Stop();
    thread_.join();
  }

 private:
  std::unique_ptr<WorkflowWorker> worker_;
  std::thread thread_;
};

WorkflowClient Client() {
  auto client = WorkflowClient::Connect({.address = DevServer::Shared().address()});
  REQUIRE(client);
  return *client;
}

std::string Unique(const std::string& prefix) {
  static int counter = 0;
  return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

}  // namespace

TEST_CASE("a weft worker runs a workflow whose activity a Python worker serves") {
  weft::testing::PythonTaskQueue();
  const std::string queue = Unique("weft-worker");
  RunningWorker worker(queue, TimerThenGreet{});
  WorkflowClient client = Client();
  auto execution = client.Start("timer-then-greet", {{"name", "Ada"}},
                                {.workflow_id = Unique("greet"), .task_queue = queue});
  REQUIRE(execution);
  auto outcome = client.Result(*execution);
  REQUIRE(outcome);
  INFO(outcome->failure.dump());
  REQUIRE(outcome->status == WorkflowOutcome::Status::kCompleted);
  CHECK(outcome->result == json{{"greeting", "Hello, Ada!"}});

  // The history is what an SDK worker would have written.
  auto history = client.HistoryJson(*execution);
  REQUIRE(history);
  auto events = json::parse(*history)["events"];
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event["eventType"]);
  CHECK(std::count(types.begin(), types.end(), "EVENT_TYPE_TIMER_FIRED") == 1);
  CHECK(std::count(types.begin(), types.end(), "EVENT_TYPE_ACTIVITY_TASK_COMPLETED") == 1);
  CHECK(std::count(types.begin(), types.end(), "EVENT_TYPE_WORKFLOW_TASK_FAILED") == 0);
  CHECK(types.back() == "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED");
}

TEST_CASE("a cached run continues from its sticky queue; without a cache every task replays") {
  const int cache_size = GENERATE(1000, 0);
  CAPTURE(cache_size);
  const std::string queue = Unique("weft-sticky");
  RunningWorker worker(queue, TimerThenGreet{}, cache_size);
  WorkflowClient client = Client();
  auto execution = client.Start("timer-then-greet", {{"name", "Lin"}},
                                {.workflow_id = Unique("sticky"), .task_queue = queue});
  REQUIRE(execution);
  auto outcome = client.Result(*execution);
  REQUIRE(outcome);
  CHECK(outcome->result == json{{"greeting", "Hello, Lin!"}});
  // Three workflow tasks: start, timer fired, activity completed.
  CHECK(worker.worker().tasks_handled() == 3);
  CHECK(worker.worker().full_replays() == (cache_size > 0 ? 1 : 3));
}

TEST_CASE("a changed workflow fails its task as non-deterministic and loses nothing") {
  const std::string queue = Unique("weft-nde");
  WorkflowClient client = Client();
  auto worker = std::make_unique<RunningWorker>(queue, WaitForSignal);
  auto execution =
      client.Start("wait-for-signal", nullptr, {.workflow_id = Unique("nde"), .task_queue = queue});
  REQUIRE(execution);
  // Let the first task complete with its timer, then swap in a changed definition.
  for (int i = 0; i < 100; ++i) {
    auto history = client.HistoryJson(*execution);
    REQUIRE(history);
    if (history->find("EVENT_TYPE_TIMER_STARTED") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  worker->Stop();
  worker = std::make_unique<RunningWorker>(queue, ChangedWaitForSignal);
  REQUIRE(client.Signal(*execution, "go", nullptr));

  std::string history;
  for (int i = 0; i < 200; ++i) {
    auto fetched = client.HistoryJson(*execution);
    REQUIRE(fetched);
    history = *fetched;
    if (history.find("EVENT_TYPE_WORKFLOW_TASK_FAILED") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  auto events = json::parse(history)["events"];
  json failed;
  for (const auto& event : events) {
    if (event["eventType"] == "EVENT_TYPE_WORKFLOW_TASK_FAILED") failed = event;
  }
  REQUIRE_FALSE(failed.is_null());
  const auto& attributes = failed["workflowTaskFailedEventAttributes"];
  CHECK(attributes["cause"] == "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR");
  CHECK_THAT(attributes["failure"]["message"].get<std::string>(),
             Catch::Contains("EVENT_TYPE_TIMER_STARTED"));

  // The original definition, back on the queue, finishes the run: nothing was lost.
  worker = std::make_unique<RunningWorker>(queue, WaitForSignal);
  auto outcome = client.Result(*execution);
  REQUIRE(outcome);
  CHECK(outcome->status == WorkflowOutcome::Status::kCompleted);
  CHECK(outcome->result == "signalled");
}

TEST_CASE("an unknown workflow type fails the task with the reason") {
  const std::string queue = Unique("weft-unknown");
  RunningWorker worker(queue, WaitForSignal);
  WorkflowClient client = Client();
  auto execution = client.Start("unknown-type", nullptr,
                                {.workflow_id = Unique("unknown"), .task_queue = queue});
  REQUIRE(execution);
  std::string history;
  for (int i = 0; i < 200; ++i) {
    history = *client.HistoryJson(*execution);
    if (history.find("EVENT_TYPE_WORKFLOW_TASK_FAILED") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  CHECK_THAT(history, Catch::Contains("no workflow named unknown-type"));
  REQUIRE(client.Terminate(*execution, "test over"));
}

TEST_CASE("signals, queries and updates reach a workflow the weft worker runs") {
  const std::string queue = Unique("weft-counter");
  RunningWorker worker(queue, Counter{});
  WorkflowClient client = Client();
  auto execution =
      client.Start("counter", nullptr, {.workflow_id = Unique("counter"), .task_queue = queue});
  REQUIRE(execution);

  REQUIRE(client.Signal(*execution, "add", 2));
  auto total = client.Query(*execution, "total", nullptr);
  REQUIRE(total);
  CHECK(*total == 2);

  auto updated = client.Update(*execution, "add_and_get", 3);
  REQUIRE(updated);
  CHECK(*updated == 5);

  auto rejected = client.Update(*execution, "add_and_get", -1);
  REQUIRE_FALSE(rejected);
  CHECK(rejected.error().kind == weft::temporal::ClientError::Kind::kUpdateFailed);
  CHECK_THAT(rejected.error().message, Catch::Contains("amount must not be negative"));

  auto unknown = client.Query(*execution, "nope", nullptr);
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error().message, Catch::Contains("no query named nope"));

  // Replayed from history, the accepted update counts once and the rejected one not at all.
  CHECK(*client.Query(*execution, "total", nullptr) == 5);
  REQUIRE(client.Signal(*execution, "finish", nullptr));
  auto outcome = client.Result(*execution);
  REQUIRE(outcome);
  CHECK(outcome->result == 5);
}

TEST_CASE("Stop ends polling at once") {
  RunningWorker worker(Unique("weft-stop"), WaitForSignal);
  std::this_thread::sleep_for(300ms);  // the pollers are in their long polls
  const auto start = std::chrono::steady_clock::now();
  worker.Stop();
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}
