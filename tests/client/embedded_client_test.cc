// The engine-neutral client on the embedded engine, as a specification: ConnectClient without an
// address opens the journal; Start resolves the definition and checks the input before a run
// exists, and gives back an unfinished run when asked to; the client knows the lease (a signal
// to a run no engine executes is queued, waiting for its result fails at once); once a host
// executes the run, the result, the description and the list read it, and a closed run takes no
// more messages. Real SQLite files in a temporary folder; runs are executed by embedded::Host.
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "runtime/client/client_pool.h"
#include "runtime/client/connect_client.h"
#include "runtime/embedded/host.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using weft::client::ClientError;
using weft::client::RunStatus;
using weft::client::WorkflowClient;

constexpr char kCounter[] = R"(dsl: 1
name: counter
input: {type: object, required: [goal], properties: {goal: {type: integer}}}
vars: {total: 0}
handlers:
  queries:
    total: ${ vars.total }
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

struct Project {
  fs::path dir;
  Project() {
    static std::atomic<int> counter{0};
    dir = fs::temp_directory_path() /
          ("weft-client-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir / "workflows");
    std::ofstream(dir / "workflows/counter.yaml") << kCounter;
  }
  ~Project() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  std::unique_ptr<WorkflowClient> Connect() const {
    auto client = weft::client::ConnectClient(
        {.embedded = {.journal = dir / "journal.db", .workflows = dir / "workflows"}});
    REQUIRE(client);
    return std::move(*client);
  }
  weft::embedded::RunRecord Drive(const std::string& run_id) const {
    weft::embedded::Host host({.journal = dir / "journal.db", .workflows = dir / "workflows"});
    auto closed = host.Drive(run_id);
    REQUIRE(closed);
    return *closed;
  }
};

TEST_CASE("without an address the client is the embedded journal's") {
  Project project;
  CHECK(project.Connect()->engine() == "embedded");
}

TEST_CASE("Start refuses what an engine would refuse, before any run exists") {
  Project project;
  auto client = project.Connect();
  auto unknown = client->Start({.workflow = "nosuch"});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == ClientError::Kind::kNotFound);
  CHECK_THAT(unknown.error().message, Catch::Contains("no workflow named \"nosuch\""));
  auto bad_input = client->Start({.workflow = "counter", .input = {{"goal", "many"}}});
  REQUIRE_FALSE(bad_input);
  CHECK(bad_input.error().kind == ClientError::Kind::kInvalidArgument);
  auto listed = client->List({.limit = 10});
  REQUIRE(listed);
  CHECK(listed->empty());
}

TEST_CASE("the same start again gives the unfinished run back when asked to") {
  Project project;
  auto client = project.Connect();
  const weft::client::StartRequest request{.workflow = "counter", .input = {{"goal", 2}}};
  auto first = client->Start(request);
  REQUIRE(first);
  CHECK_FALSE(first->reused);
  auto again =
      client->Start({.workflow = "counter", .input = {{"goal", 2}}, .reuse_unfinished = true});
  REQUIRE(again);
  CHECK(again->reused);
  CHECK(again->execution.run_id == first->execution.run_id);
  auto another = client->Start(request);
  REQUIRE(another);
  CHECK(another->execution.run_id != first->execution.run_id);
  auto taken = client->Start(
      {.workflow = "counter", .input = {{"goal", 2}}, .workflow_id = first->execution.workflow_id});
  REQUIRE_FALSE(taken);
  CHECK(taken.error().kind == ClientError::Kind::kAlreadyStarted);
}

TEST_CASE("the client knows the lease; results, failures and closed runs read alike") {
  Project project;
  auto client = project.Connect();
  auto started = client->Start({.workflow = "counter", .input = {{"goal", 2}}});
  REQUIRE(started);
  const weft::client::Execution execution{.workflow_id = started->execution.workflow_id};

  // No engine executes the run: a signal waits in the inbox; a result would never come.
  auto sent = client->Signal(execution, "add", 3);
  REQUIRE(sent);
  CHECK(sent->queued);
  auto waiting = client->Result(execution);
  REQUIRE_FALSE(waiting);
  CHECK(waiting.error().kind == ClientError::Kind::kUnavailable);
  CHECK_THAT(waiting.error().message, Catch::Contains("weft resume"));

  project.Drive(started->execution.run_id);
  auto outcome = client->Result(execution);
  REQUIRE(outcome);
  CHECK(outcome->status == RunStatus::kFailed);
  CHECK(outcome->failure["type"] == "TooMuch");  // failure_codec JSON
  CHECK(outcome->execution.run_id == started->execution.run_id);

  // A closed run still answers queries, from its final state, with no engine running (as
  // Temporal replays a closed run's history to answer); signals it refuses.
  auto late = client->Query(execution, "total", nullptr);
  REQUIRE(late);
  CHECK(*late == 3);
  auto unknown = client->Query(execution, "nope", nullptr);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == ClientError::Kind::kRejected);
  CHECK_THAT(unknown.error().message, Catch::Contains("KnownQueryTypes"));
  auto signalled = client->Signal(execution, "add", 1);
  REQUIRE_FALSE(signalled);
  CHECK(signalled.error().kind == ClientError::Kind::kClosed);
  CHECK_THAT(signalled.error().message, Catch::Contains("failed"));

  // Peek: where it stands, without reading its history.
  auto peeked = client->Peek(execution);
  REQUIRE(peeked);
  CHECK(peeked->status == RunStatus::kFailed);
  CHECK(peeked->execution.run_id == started->execution.run_id);
  CHECK_FALSE(peeked->details.contains("activations"));
  auto nobody = client->Peek({.workflow_id = "nobody"});
  REQUIRE_FALSE(nobody);
  CHECK(nobody.error().kind == ClientError::Kind::kNotFound);

  auto described = client->Describe(execution);
  REQUIRE(described);
  CHECK(described->workflow == "counter");
  CHECK(described->status == RunStatus::kFailed);
  CHECK(described->details["activations"].size() >= 1);
  auto listed = client->List({.limit = 10});
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().execution.run_id == started->execution.run_id);
  CHECK(weft::client::RunStatusName(listed->front().status) == "failed");
}

TEST_CASE("a client pool lends each client to one caller at a time, and keeps the idle ones") {
  Project project;
  const weft::client::ClientPool pool(
      {.embedded = {.journal = project.dir / "journal.db", .workflows = project.dir / "workflows"}},
      /*max_idle=*/1);
  WorkflowClient* first = nullptr;
  {
    auto lent = pool.Acquire();
    REQUIRE(lent);
    first = &**lent;
    auto started = (*lent)->Start({.workflow = "counter", .input = {{"goal", 1}}});
    REQUIRE(started);
    // Lent out: a second caller at the same time gets a client of its own.
    auto second = pool.Acquire();
    REQUIRE(second);
    CHECK(&**second != first);
    auto described = (*second)->Describe({.workflow_id = started->execution.workflow_id});
    REQUIRE(described);
    CHECK(described->status == RunStatus::kPending);
    CHECK(pool.idle() == 0);
  }
  // Both returned, one kept (max_idle), and lent again; it still reads the journal.
  CHECK(pool.idle() == 1);
  auto again = pool.Acquire();
  REQUIRE(again);
  CHECK(pool.idle() == 0);
  auto listed = (*again)->List({.limit = 10});
  REQUIRE(listed);
  CHECK(listed->size() == 1);
}

TEST_CASE("an unknown workflow id is not found") {
  Project project;
  auto client = project.Connect();
  auto missing = client->Signal({.workflow_id = "nobody"}, "add", 1);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ClientError::Kind::kNotFound);
}

}  // namespace

TEST_CASE("List keeps the runs of one workflow and one status, newest first") {
  Project project;
  auto client = project.Connect();
  auto first = client->Start({.workflow = "counter", .input = {{"goal", 1}}});
  auto second = client->Start({.workflow = "counter", .input = {{"goal", 2}}});
  REQUIRE(first);
  REQUIRE(second);
  auto count = [&](const weft::client::ListFilter& filter) {
    auto listed = client->List(filter);
    REQUIRE(listed);
    return listed->size();
  };
  CHECK(count({.workflow = "counter"}) == 2);
  CHECK(count({.workflow = "other"}) == 0);
  CHECK(count({.status = RunStatus::kPending}) == 2);  // no engine has taken them
  CHECK(count({.status = RunStatus::kRunning}) == 0);
  CHECK(count({.workflow = "counter", .status = RunStatus::kCompleted}) == 0);
  auto newest = client->List({.workflow = "counter", .status = RunStatus::kPending, .limit = 1});
  REQUIRE(newest);
  REQUIRE(newest->size() == 1);
  CHECK(newest->front().execution.run_id == second->execution.run_id);
}
