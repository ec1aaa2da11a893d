// The engine-neutral client on Temporal, against a real dev server with a weft worker in this
// process (temporal::FolderWorker): Describe and List give runs the embedded engine's shape, so
// that the same workflow with the same input reads alike on both engines (name, version and
// hash of the pinned definition, status, input, result or failure); what a run waits on, a
// run that continued as new, a terminated run, and List's filters by workflow and status.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>
#include <vector>

#include "runtime/client/connect_client.h"
#include "runtime/embedded/host.h"
#include "runtime/temporal/folder_worker.h"
#include "tests/support/dev_server.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using weft::client::ClientError;
using weft::client::ListFilter;
using weft::client::RunStatus;
using weft::client::RunSummary;
using weft::client::WorkflowClient;
using weft::testing::DevServer;
using namespace std::chrono_literals;

// Waits for `add` signals until the total reaches the goal; past it, fails.
constexpr char kCounter[] = R"(dsl: 1
name: counter
version: 3
input: {type: object, required: [goal], properties: {goal: {type: integer}}}
vars: {total: 0}
handlers:
  signals:
    add:
      set: {total: '${ vars.total + signal }'}
steps:
  - id: count
    await: {condition: '${ vars.total >= input.goal }'}
  - id: give_up
    fail: {type: TooMuch, message: 'went past the goal'}
    when: ${ vars.total > input.goal }
output: {total: '${ vars.total }'}
)";

// Continues as new once, with a larger n.
constexpr char kAgain[] = R"(dsl: 1
name: again
input: {type: object, properties: {n: {type: integer}}}
steps:
  - id: next
    when: ${ input.n < 2 }
    return: {continue_as_new: {input: {n: 2}}}
output: ${ input.n }
)";

// A dev server, a worker serving a workflows folder on it, and a journal beside the folder.
class Engines {
 public:
  // `extra`: more definitions, by name.
  explicit Engines(const std::vector<std::pair<std::string, std::string>>& extra = {})
      : dir_(fs::temp_directory_path() / ("weft-temporal-client-" + std::to_string(::getpid()))),
        queue_("temporal-client-" + std::to_string(::getpid())) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "workflows");
    std::ofstream(dir_ / "workflows/counter.yaml") << kCounter;
    std::ofstream(dir_ / "workflows/again.yaml") << kAgain;
    for (const auto& [name, text] : extra)
      std::ofstream(dir_ / "workflows" / (name + ".yaml")) << text;
    auto worker =
        weft::temporal::FolderWorker::Create({.worker = {.connection = {.address = address()},
                                                         .task_queue = queue_,
                                                         .workflow_pollers = 1},
                                              .workflows = dir_ / "workflows"},
                                             registry_);
    REQUIRE(worker);
    worker_ = std::move(*worker);
    serving_ = std::thread([this] { worker_->Run(); });
  }
  ~Engines() {
    worker_->Stop();
    serving_.join();
    fs::remove_all(dir_);
  }

  const std::string& address() const { return DevServer::Shared().address(); }
  const std::string& queue() const { return queue_; }

  std::unique_ptr<WorkflowClient> Temporal() const {
    auto client = weft::client::ConnectClient({.temporal = {.address = address()}});
    REQUIRE(client);
    return std::move(*client);
  }
  std::unique_ptr<WorkflowClient> Embedded() const {
    auto client = weft::client::ConnectClient(
        {.embedded = {.journal = dir_ / "journal.db", .workflows = dir_ / "workflows"}});
    REQUIRE(client);
    return std::move(*client);
  }
  // Executes the embedded run until it closes.
  void Drive(const std::string& run_id) const {
    weft::embedded::Host host({.journal = dir_ / "journal.db", .workflows = dir_ / "workflows"});
    REQUIRE(host.Drive(run_id));
  }

 private:
  fs::path dir_;
  std::string queue_;
  weft::activity::ActivityRegistry registry_;
  std::unique_ptr<weft::temporal::FolderWorker> worker_;
  std::thread serving_;
};

std::string UniqueId(const std::string& prefix) {
  static int counter = 0;
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Visibility lags the runs: lists until exactly `count` runs match, or 20 s have passed.
std::vector<RunSummary> ListUntil(WorkflowClient& client, const ListFilter& filter,
                                  std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (true) {
    auto listed = client.List(filter);
    REQUIRE(listed);
    if (listed->size() == count || std::chrono::steady_clock::now() > deadline) return *listed;
    std::this_thread::sleep_for(100ms);
  }
}

}  // namespace

TEST_CASE("a run described on Temporal reads as the same run on the embedded engine") {
  Engines engines;
  auto temporal = engines.Temporal();
  auto embedded = engines.Embedded();
  const json input = {{"goal", 5}};

  auto on_temporal = temporal->Start({.workflow = "counter",
                                      .input = input,
                                      .workflow_id = UniqueId("counter"),
                                      .task_queue = engines.queue()});
  REQUIRE(on_temporal);
  auto on_embedded = embedded->Start({.workflow = "counter", .input = input});
  REQUIRE(on_embedded);
  const weft::client::Execution execution{.workflow_id = on_temporal->execution.workflow_id};

  // Until the first workflow task is answered the run has no pin yet: wait for it.
  RunSummary running;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto described = temporal->Describe(execution);
    REQUIRE(described);
    running = *described;
    if (running.details.contains("sha256")) break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(running.status == RunStatus::kRunning);
  CHECK(running.execution.run_id == on_temporal->execution.run_id);
  CHECK(running.details["status"] == "running");
  CHECK(running.details["closed_ms"] == 0);
  CHECK(running.details["task_queue"] == engines.queue());
  CHECK_FALSE(running.details.contains("result"));

  REQUIRE(temporal->Signal(execution, "add", 5));
  REQUIRE(temporal->Result(execution));
  REQUIRE(embedded->Signal({.workflow_id = on_embedded->execution.workflow_id}, "add", 5));
  engines.Drive(on_embedded->execution.run_id);

  auto closed = temporal->Describe(execution);
  REQUIRE(closed);
  auto reference = embedded->Describe({.workflow_id = on_embedded->execution.workflow_id});
  REQUIRE(reference);
  CHECK(closed->status == RunStatus::kCompleted);
  CHECK(closed->workflow == reference->workflow);
  CHECK(closed->closed_ms >= closed->created_ms);
  CHECK(closed->created_ms > 0);
  for (const char* key : {"name", "version", "sha256", "status", "input", "result"}) {
    INFO(key);
    CHECK(closed->details[key] == reference->details[key]);
  }
  CHECK(closed->details["version"] == 3);
  CHECK(closed->details["waiting_on"].empty());
  // Every key the embedded engine reports of a run, Temporal reports too, but its history of
  // activations.
  for (const auto& [key, value] : reference->details.items()) {
    if (key == "activations") continue;
    INFO(key);
    CHECK(closed->details.contains(key));
  }
}

TEST_CASE("a failure, a termination and a continue-as-new read as on the embedded engine") {
  Engines engines;
  auto temporal = engines.Temporal();

  auto failing = temporal->Start({.workflow = "counter",
                                  .input = {{"goal", 1}},
                                  .workflow_id = UniqueId("failing"),
                                  .task_queue = engines.queue()});
  REQUIRE(failing);
  REQUIRE(temporal->Signal(failing->execution, "add", 2));
  auto failed_outcome = temporal->Result(failing->execution);
  REQUIRE(failed_outcome);
  auto failed = temporal->Describe(failing->execution);
  REQUIRE(failed);
  CHECK(failed->status == RunStatus::kFailed);
  CHECK(failed->details["failure"] == failed_outcome->failure);
  CHECK(failed->details["failure"]["type"] == "TooMuch");

  auto stopped = temporal->Start({.workflow = "counter",
                                  .input = {{"goal", 1}},
                                  .workflow_id = UniqueId("terminated"),
                                  .task_queue = engines.queue()});
  REQUIRE(stopped);
  REQUIRE(temporal->Terminate(stopped->execution, "enough"));
  auto terminated = temporal->Describe(stopped->execution);
  REQUIRE(terminated);
  CHECK(terminated->status == RunStatus::kTerminated);
  CHECK(terminated->details["failure"]["message"] == "enough");

  auto again = temporal->Start({.workflow = "again",
                                .input = {{"n", 1}},
                                .workflow_id = UniqueId("again"),
                                .task_queue = engines.queue()});
  REQUIRE(again);
  auto last = temporal->Result({.workflow_id = again->execution.workflow_id});
  REQUIRE(last);
  CHECK(last->result == 2);
  auto first = temporal->Describe(again->execution);
  REQUIRE(first);
  CHECK(first->status == RunStatus::kContinuedAsNew);
  CHECK(first->details["continued_to"] == last->execution.run_id);
  CHECK_FALSE(first->details.contains("result"));
  auto second = temporal->Describe({.workflow_id = again->execution.workflow_id});
  REQUIRE(second);
  CHECK(second->execution.run_id == last->execution.run_id);
  CHECK(second->details["continued_from"] == again->execution.run_id);
  CHECK(second->details["input"] == json{{"n", 2}});

  auto missing = temporal->Describe({.workflow_id = UniqueId("nobody")});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ClientError::Kind::kNotFound);
}

TEST_CASE("List asks visibility for the runs of one workflow and one status, newest first") {
  // A workflow type of this process alone: other tests' runs on a shared server do not count.
  const std::string type = "listed-" + std::to_string(::getpid());
  std::string definition = kCounter;
  definition.replace(definition.find("name: counter"), 13, "name: " + type);
  Engines engines({{type, definition}});
  auto temporal = engines.Temporal();
  std::vector<weft::client::Execution> runs;
  for (int goal : {1, 2}) {
    auto started = temporal->Start({.workflow = type,
                                    .input = {{"goal", goal}},
                                    .workflow_id = UniqueId("listed"),
                                    .task_queue = engines.queue()});
    REQUIRE(started);
    runs.push_back(started->execution);
  }
  REQUIRE(temporal->Signal(runs[0], "add", 1));
  REQUIRE(temporal->Result(runs[0]));

  const auto all = ListUntil(*temporal, {.workflow = type}, 2);
  REQUIRE(all.size() == 2);
  CHECK(all[0].execution.run_id == runs[1].run_id);  // newest first
  CHECK(all[1].execution.run_id == runs[0].run_id);
  CHECK(all[0].workflow == type);
  CHECK(all[0].details["task_queue"] == engines.queue());
  const auto completed =
      ListUntil(*temporal, {.workflow = type, .status = RunStatus::kCompleted}, 1);
  REQUIRE(completed.size() == 1);
  CHECK(completed[0].execution.run_id == runs[0].run_id);
  CHECK(completed[0].status == RunStatus::kCompleted);
  CHECK(completed[0].closed_ms > 0);
  const auto running = ListUntil(*temporal, {.workflow = type, .status = RunStatus::kRunning}, 1);
  REQUIRE(running.size() == 1);
  CHECK(running[0].execution.run_id == runs[1].run_id);
  auto newest = temporal->List({.workflow = type, .limit = 1});
  REQUIRE(newest);
  REQUIRE(newest->size() == 1);
  CHECK(newest->front().execution.run_id == runs[1].run_id);
  auto pending = temporal->List({.workflow = type, .status = RunStatus::kPending});
  REQUIRE(pending);
  CHECK(pending->empty());  // a Temporal run is running from its start
  REQUIRE(temporal->Terminate(runs[1], "done"));
}
