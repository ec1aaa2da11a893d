// Eager activity execution against real dev servers: with the server's
// system.enableActivityEagerExecution on, the activities a workflow task schedules come back
// with the task's completion and run without a poll; with it off (the default), the slots
// reserved for them are given back, so polling goes on with a single free slot.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "runtime/interpreter/activation.h"
#include "runtime/temporal/activity_worker.h"
#include "runtime/temporal/grpc_connection.h"
#include "runtime/temporal/workflow_client.h"
#include "runtime/temporal/workflow_worker.h"
#include "tests/support/dev_server.h"

namespace {

namespace interpreter = weft::interpreter;
using nlohmann::json;
using weft::activity::ActivityContext;
using weft::activity::ActivityRegistry;
using weft::activity::ActivityResult;
using weft::temporal::ActivityWorker;
using weft::temporal::GrpcConnection;
using weft::temporal::WorkflowClient;
using weft::temporal::WorkflowRun;
using weft::temporal::WorkflowWorker;
using weft::testing::DevServer;
using namespace std::chrono_literals;

const ActivityRegistry& Activities() {
  static ActivityRegistry registry;
  static const bool registered = [] {
    REQUIRE(
        registry.Register({.name = "add",
                           .description = "adds a and b",
                           .function = [](const json& input, ActivityContext&) -> ActivityResult {
                             return input.at("a").get<int>() + input.at("b").get<int>();
                           }}));
    return true;
  }();
  (void)registered;
  return registry;
}

interpreter::Command Add(std::uint32_t seq, int a, int b) {
  return interpreter::ScheduleActivity{.seq = seq,
                                       .activity_id = std::to_string(seq),
                                       .activity_type = "add",
                                       .input = {{"a", a}, {"b", b}},
                                       .timeouts = {.start_to_close = 10s},
                                       .step_path = "/steps/" + std::to_string(seq)};
}

// Schedules `fan_out` additions at once (0 + 1, 1 + 1, ...), then `sequential - 1` more one
// after another (n + 0 for the n-th), and completes with the sum of every result.
struct AddAll {
  int fan_out = 1;
  int sequential = 1;
  int pending = 0;
  std::uint32_t next_seq = 1;
  int total = 0;
  std::vector<interpreter::Command> operator()(const interpreter::Activation& activation) {
    std::vector<interpreter::Command> commands;
    for (const auto& job : activation.jobs) {
      if (std::holds_alternative<interpreter::StartWorkflow>(job)) {
        for (int i = 0; i < fan_out; ++i, ++pending) commands.push_back(Add(next_seq++, i, 1));
      } else if (const auto* resolved = std::get_if<interpreter::ResolveActivity>(&job)) {
        total += resolved->resolution.result.get<int>();
        --pending;
        if (static_cast<int>(next_seq) <= fan_out + sequential - 1) {
          const auto seq = next_seq++;
          commands.push_back(Add(seq, static_cast<int>(seq), 0));
          ++pending;
        }
      }
    }
    if (pending == 0 && activation.jobs.size() > 0 &&
        !std::holds_alternative<interpreter::StartWorkflow>(activation.jobs.front())) {
      commands.push_back(interpreter::CompleteWorkflow{.result = total});
    }
    return commands;
  }
};

// A workflow worker and an activity worker on one queue, as `weft worker` runs them.
class Workers {
 public:
  Workers(const DevServer& server, const std::string& queue, AddAll script, int max_concurrent) {
    auto connection = GrpcConnection::Open({.address = server.address()});
    REQUIRE(connection);
    activities_ =
        std::make_unique<ActivityWorker>(*connection,
                                         weft::temporal::ActivityWorkerOptions{
                                             .task_queue = queue, .max_concurrent = max_concurrent},
                                         Activities());
    workflows_ = std::make_unique<WorkflowWorker>(
        *connection, weft::temporal::WorkflowWorkerOptions{.task_queue = queue},
        [script](const weft::temporal::RunOrigin&)
            -> std::expected<WorkflowRun::Interpreter, std::string> { return script; },
        activities_.get());
    activity_thread_ = std::thread([this] { activities_->Run(); });
    workflow_thread_ = std::thread([this] { workflows_->Run(); });
  }
  ~Workers() {
    workflows_->Stop();
    activities_->Stop();
    workflow_thread_.join();
    activity_thread_.join();
  }
  const ActivityWorker& activities() const { return *activities_; }

 private:
  std::unique_ptr<ActivityWorker> activities_;
  std::unique_ptr<WorkflowWorker> workflows_;
  std::thread activity_thread_;
  std::thread workflow_thread_;
};

json RunToResult(const DevServer& server, const std::string& queue, const std::string& id) {
  auto client = WorkflowClient::Connect({.address = server.address()});
  REQUIRE(client);
  auto execution = client->Start("add-all", json::object(),
                                 {.workflow_id = id + "-" + std::to_string(getpid()),
                                  .task_queue = queue,
                                  .execution_timeout = 60s});
  REQUIRE(execution);
  auto outcome = client->Result(*execution);
  REQUIRE(outcome);
  REQUIRE(outcome->status == weft::temporal::WorkflowOutcome::Status::kCompleted);
  return outcome->result;
}

}  // namespace

TEST_CASE("with eager execution on, the activities a task schedules come back with it") {
  auto server = DevServer::Start(
      {.extra_args = {"--dynamic-config-value", "system.enableActivityEagerExecution=true"}});
  const std::string queue = "weft-eager-" + std::to_string(getpid());
  // Two at once in the first task (0 + 1, 1 + 1), then one more (3 + 0).
  Workers workers(*server, queue, AddAll{.fan_out = 2, .sequential = 2}, 16);
  CHECK(RunToResult(*server, queue, "eager") == json(6));
  CHECK(workers.activities().tasks_started() == 3);
  CHECK(workers.activities().eager_tasks_started() == 3);
}

TEST_CASE("when the server grants no eager task, the reserved slots are given back") {
  // The shared server keeps the default: eager requests are ignored. With two slots, one
  // for the poll and one for a reservation, a single slot that leaked would stop polling and
  // the third activity would never run.
  const std::string queue = "weft-not-eager-" + std::to_string(getpid());
  Workers workers(DevServer::Shared(), queue, AddAll{.fan_out = 1, .sequential = 4}, 2);
  CHECK(RunToResult(DevServer::Shared(), queue, "not-eager") == json(1 + 2 + 3 + 4));
  CHECK(workers.activities().tasks_started() == 4);
  CHECK(workers.activities().eager_tasks_started() == 0);
}
