// RunInForeground and ResumeInForeground as a specification, on real journals in a temporary
// folder with the built-in activities: a run is executed to its end in this process with its
// progress as lines; the same request again resumes the unfinished run it started, and says so;
// a workflow that is not there, or an input it refuses, starts nothing; StartDetached leaves the
// run to the engine that holds the journal; the journal's unfinished runs are resumed. Each
// progress event has its line. RunServeService, `weft serve` as a function, executes the journal
// until a stop signal (sent to this thread, which waits for it).
#include "runtime/client/foreground_run.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "runtime/client/embedded_client.h"
#include "runtime/embedded/journal_lease.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using weft::client::ClientError;
using weft::client::DescribeProgress;
using weft::client::ForegroundOptions;
using weft::client::ProgressLine;
using weft::client::RunStatus;
using Event = weft::embedded::ProgressEvent;

constexpr char kGreet[] = R"(dsl: 1
name: greet
input: {type: object, required: [name], properties: {name: {type: string}}}
steps:
  - id: say
    call: log
    args: {message: '${ "hi " + input.name }'}
    timeouts: {start_to_close: 10s}
output: {said: '${ "hi " + input.name }'}
)";

struct Project {
  fs::path dir;
  std::mutex mutex;
  std::vector<ProgressLine> lines;
  std::vector<std::string> notices;

  Project() {
    static std::atomic<int> counter{0};
    dir = fs::temp_directory_path() /
          ("weft-foreground-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir / "workflows");
    std::ofstream(dir / "workflows/greet.yaml") << kGreet;
  }
  ~Project() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  ForegroundOptions Options() {
    return {.journal = dir / "journal.db",
            .workflows = dir / "workflows",
            .on_progress =
                [this](const ProgressLine& line) {
                  std::lock_guard lock(mutex);
                  lines.push_back(line);
                },
            .on_notice =
                [this](const std::string& notice) {
                  std::lock_guard lock(mutex);
                  notices.push_back(notice);
                },
            .poll = std::chrono::milliseconds(10)};
  }
  std::unique_ptr<weft::client::EmbeddedClient> Client() const {
    auto client = weft::client::EmbeddedClient::Open(
        {.journal = dir / "journal.db", .workflows = dir / "workflows"});
    REQUIRE(client);
    return std::move(*client);
  }
  bool Printed(const std::string& text) {
    std::lock_guard lock(mutex);
    for (const auto& line : lines) {
      if (line.text.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace

TEST_CASE("each progress event has its line; an activity that only started is not kept") {
  const Event started{.kind = Event::Kind::kActivityStarted,
                      .step_path = "/steps/0",
                      .activity_type = "charge",
                      .attempt = 1};
  CHECK(DescribeProgress(started).text == "… /steps/0 charge attempt 1");
  CHECK_FALSE(DescribeProgress(started).keep);
  Event done = started;
  done.kind = Event::Kind::kActivityCompleted;
  done.elapsed_ms = 420;
  CHECK(DescribeProgress(done).text == "✓ /steps/0 charge 0.4s");
  CHECK(DescribeProgress(done).keep);
  done.attempt = 2;
  CHECK(DescribeProgress(done).text == "✓ /steps/0 charge attempt 2 0.4s");
  Event retrying = done;
  retrying.kind = Event::Kind::kActivityRetrying;
  retrying.message = "card declined";
  CHECK(DescribeProgress(retrying).text ==
        "↻ /steps/0 charge attempt 2 failed after 0.4s: card declined; retrying");
  retrying.kind = Event::Kind::kActivityFailed;
  CHECK(DescribeProgress(retrying).text == "✗ /steps/0 charge attempt 2 failed: card declined");
  // An event that names its step shows that name; the path is only a fallback.
  Event named = done;
  named.step = "resize[3]";
  CHECK(DescribeProgress(named).text == "✓ resize[3] charge attempt 2 0.4s");
  CHECK(DescribeProgress({.kind = Event::Kind::kTimerStarted, .elapsed_ms = 90'000}).text ==
        "⏲ waiting 90.0s (durable timer)");
  CHECK(DescribeProgress({.kind = Event::Kind::kRunStarted, .run_id = "r1", .workflow_id = "w1"})
            .text == "run r1 (w1) started");
  CHECK(DescribeProgress({.kind = Event::Kind::kRunClosed,
                          .run_id = "r1",
                          .elapsed_ms = 1500,
                          .message = "completed"})
            .text == "run r1 completed after 1.5s");
}

TEST_CASE("a run is executed to its end in this process, its progress reported") {
  Project project;
  auto outcome = weft::client::RunInForeground(
      {.workflow = "greet", .input = {{"name", "Ada"}}, .reuse_unfinished = true},
      project.Options());
  REQUIRE(outcome);
  CHECK(outcome->status == RunStatus::kCompleted);
  CHECK(outcome->result == json{{"said", "hi Ada"}});
  CHECK(project.Printed("run " + outcome->execution.run_id + " (" + outcome->execution.workflow_id +
                        ") started"));
  CHECK(project.Printed("✓ say log"));  // the step by its id, not its path
  CHECK(project.Printed("run " + outcome->execution.run_id + " completed after"));
  CHECK(project.notices.empty());
}

TEST_CASE("the same request again resumes the unfinished run it started") {
  Project project;
  const weft::client::StartRequest request{
      .workflow = "greet", .input = {{"name", "Ada"}}, .reuse_unfinished = true};
  auto pending = project.Client()->Start(request);  // no engine: it waits in the journal
  REQUIRE(pending);
  auto outcome = weft::client::RunInForeground(request, project.Options());
  REQUIRE(outcome);
  CHECK(outcome->execution.run_id == pending->execution.run_id);
  REQUIRE_FALSE(project.notices.empty());
  CHECK(project.notices.front() ==
        "resuming run " + pending->execution.run_id + " (" + pending->execution.workflow_id + ")");
}

TEST_CASE("nothing starts for a workflow that is not there, or an input it refuses") {
  Project project;
  auto missing = weft::client::RunInForeground({.workflow = "nosuch"}, project.Options());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ClientError::Kind::kNotFound);
  auto refused = weft::client::RunInForeground({.workflow = "greet", .input = {{"name", 7}}},
                                               project.Options());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ClientError::Kind::kInvalidArgument);
  auto listed = project.Client()->List({});
  REQUIRE(listed);
  CHECK(listed->empty());
}

TEST_CASE("detached, the run is left in the journal for the engine that holds it") {
  Project project;
  const ForegroundOptions options = project.Options();
  // An engine holds the journal, so no background engine is started: it would run the run.
  auto lease = weft::embedded::JournalLease::TryAcquire(options.journal);
  REQUIRE(lease);
  REQUIRE(lease->has_value());
  const weft::client::StartRequest request{
      .workflow = "greet", .input = {{"name", "Ada"}}, .reuse_unfinished = true};
  auto started = weft::client::StartDetached(request, options);
  REQUIRE(started);
  CHECK(project.notices.empty());
  auto listed = project.Client()->List({});
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().execution.run_id == started->run_id);
  CHECK(listed->front().status == RunStatus::kPending);

  // The same request again gives back the unfinished run, and says so.
  auto again = weft::client::StartDetached(request, options);
  REQUIRE(again);
  CHECK(again->run_id == started->run_id);
  REQUIRE(project.notices.size() == 1);
  CHECK(project.notices.front() ==
        "resuming run " + started->run_id + " (" + started->workflow_id + ")");
}

TEST_CASE("detached, nothing starts for a workflow that is not there, or an input it refuses") {
  Project project;
  auto missing = weft::client::StartDetached({.workflow = "nosuch"}, project.Options());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ClientError::Kind::kNotFound);
  auto refused =
      weft::client::StartDetached({.workflow = "greet", .input = {{"name", 7}}}, project.Options());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ClientError::Kind::kInvalidArgument);
  auto listed = project.Client()->List({});
  REQUIRE(listed);
  CHECK(listed->empty());
}

TEST_CASE("resuming executes every unfinished run of the journal") {
  Project project;
  auto client = project.Client();
  auto first = client->Start({.workflow = "greet", .input = {{"name", "Ada"}}});
  auto second = client->Start({.workflow = "greet", .input = {{"name", "Grace"}}});
  REQUIRE(first);
  REQUIRE(second);
  auto resumed = weft::client::ResumeInForeground(project.Options());
  REQUIRE(resumed);
  CHECK(*resumed);
  auto done = client->List({.status = RunStatus::kCompleted});
  REQUIRE(done);
  CHECK(done->size() == 2);
}

TEST_CASE("the same engine in the background is `resume` with every path made absolute") {
  const auto command = weft::client::BackgroundResume({.journal = "j/journal.db",
                                                       .workflows = "flows",
                                                       .plugins = {"p/a.so", "/abs/b.so"},
                                                       .lua_dir = "lua"});
  const auto absolute = [](const char* path) { return fs::absolute(path).string(); };
  CHECK(command.program == "/proc/self/exe");
  CHECK(command.arguments ==
        std::vector<std::string>{"resume", "--journal", absolute("j/journal.db"), "--workflows",
                                 absolute("flows"), "--linger", "2", "--plugin", absolute("p/a.so"),
                                 "--plugin", "/abs/b.so", "--lua-dir", absolute("lua")});
  // Without a Lua folder, none is named: the engine looks for ./activities where it runs.
  const auto plain = weft::client::BackgroundResume({.journal = "/j.db", .workflows = "/w"});
  CHECK(plain.arguments == std::vector<std::string>{"resume", "--journal", "/j.db", "--workflows",
                                                    "/w", "--linger", "2"});
}

TEST_CASE("a detached client starts the same engine in the background") {
  const weft::client::ForegroundOptions engine{
      .journal = "j/journal.db", .workflows = "flows", .lua_dir = "lua"};
  const auto options = weft::client::DetachedClientOptions(engine);
  CHECK(options.journal == "j/journal.db");
  CHECK(options.workflows == "flows");
  REQUIRE(options.background_engine.has_value());
  CHECK(options.background_engine->arguments == weft::client::BackgroundResume(engine).arguments);
}

TEST_CASE("on either engine: Temporal with an address, else the journal made absolute") {
  const weft::client::ForegroundOptions engine{.journal = "j/journal.db", .workflows = "flows"};
  const auto embedded = weft::client::DetachedConnectOptions({.address = ""}, engine);
  CHECK(embedded.temporal.address.empty());
  CHECK(embedded.embedded.journal == fs::absolute("j/journal.db"));
  CHECK(embedded.embedded.workflows == "flows");
  REQUIRE(embedded.embedded.background_engine.has_value());
  CHECK(embedded.embedded.background_engine->arguments ==
        weft::client::BackgroundResume(engine).arguments);

  const auto temporal = weft::client::DetachedConnectOptions({.address = "temporal:7233"}, engine);
  CHECK(temporal.temporal.address == "temporal:7233");
}

TEST_CASE("as a service, the engine executes the journal's runs until a stop signal") {
  Project project;
  REQUIRE(project.Client()->Start({.workflow = "greet", .input = {{"name", "Ada"}}}));
  const pthread_t waiting = ::pthread_self();
  std::atomic<bool> completed{false};
  std::jthread stopper([&] {
    auto client = project.Client();
    for (int i = 0; i < 2000 && !completed; ++i) {
      auto done = client->List({.status = RunStatus::kCompleted});
      completed = done && done->size() == 1;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::pthread_kill(waiting, SIGTERM);
  });
  auto served = weft::client::RunServeService(
      {.engine = project.Options(), .rescan = std::chrono::milliseconds(50)});
  CHECK(served);
  stopper.join();
  CHECK(completed);
}
