// ScheduleRunner as a specification of how the embedded engine fires declared schedules: on the
// nominal times, once each (also across a restart), with each overlap policy, within the
// catch-up window, with jitter, pausing on failure. A real SQLite journal in a temporary
// folder; no engine runs, so the test plays the engine: it reads the pending runs the runner
// created and closes them by writing their status, as an engine would. Time is given to each
// Tick(), never slept.
#include "runtime/embedded/schedule_runner.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "dsl/loader.h"
#include "runtime/embedded/journal.h"

namespace weft::embedded {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Definitions = std::vector<std::shared_ptr<const dsl::Definition>>;

// 2026-12-05T10:00:00Z: a multiple of 10 s, so that 10 s intervals fall on round seconds.
constexpr std::int64_t kT = 1796464800000;
constexpr std::int64_t kSecond = 1000;

Definitions Nightly(const std::string& schedule_lines) {
  const std::string yaml = "dsl: 1\nname: report\ninput: {type: object}\nschedules:\n" +
                           schedule_lines + "steps:\n  - {id: done, return: ok}\n";
  auto loaded = dsl::LoadDefinition(yaml);
  INFO(yaml);
  REQUIRE(loaded);
  return {*loaded};
}

class ScheduleRunnerTest {
 public:
  ScheduleRunnerTest()
      : dir_(fs::temp_directory_path() / ("weft-schedule-runner-" + std::to_string(::getpid()) +
                                          "-" + std::to_string(++count_))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto journal = Journal::Open(journal_path());
    REQUIRE(journal);
    journal_ = std::move(*journal);
  }
  ~ScheduleRunnerTest() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path journal_path() const { return dir_ / "journal.db"; }

  ScheduleRunner NewRunner() const {
    auto runner = ScheduleRunner::Open(journal_path());
    REQUIRE(runner);
    return std::move(*runner);
  }

  // Every run the schedules started, oldest first.
  std::vector<RunRecord> Runs() {
    auto runs = journal_->ListRuns(1000);
    REQUIRE(runs);
    return {runs->rbegin(), runs->rend()};
  }
  std::vector<std::string> WorkflowIds() {
    std::vector<std::string> ids;
    for (const RunRecord& run : Runs()) ids.push_back(run.workflow_id);
    return ids;
  }
  void Close(const RunRecord& run, RunStatus status) {
    REQUIRE(journal_->Apply(JournalBatch{
        write::SetRunStatus{.run_id = run.run_id, .status = status, .closed_ms = kT}}));
  }
  std::vector<InboxItem> Inbox() {
    auto items = journal_->InboxAfter(0);
    REQUIRE(items);
    return *items;
  }

 private:
  static inline int count_ = 0;
  fs::path dir_;
  std::unique_ptr<Journal> journal_;
};

TEST_CASE_METHOD(ScheduleRunnerTest, "a schedule fires on its times from when it is first seen") {
  const Definitions definitions = Nightly("  - {id: often, interval: 10s, input: {scope: all}}\n");
  ScheduleRunner runner = NewRunner();
  // First seen: the past is not owed; the next time is said.
  CHECK(runner.Tick(definitions, kT + 5 * kSecond) == kT + 10 * kSecond);
  CHECK(Runs().empty());
  CHECK(runner.Tick(definitions, kT + 10 * kSecond) == kT + 20 * kSecond);
  const auto runs = Runs();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].workflow_id == "report.often-2026-12-05T10:00:10Z");
  CHECK(runs[0].name == "report");
  CHECK(runs[0].input == json{{"scope", "all"}});
  CHECK(runs[0].status == RunStatus::kPending);
  // The same moment again, and a restarted runner: nothing twice.
  runner.Tick(definitions, kT + 10 * kSecond);
  ScheduleRunner restarted = NewRunner();
  restarted.Tick(definitions, kT + 15 * kSecond);
  CHECK(Runs().size() == 1);
  CHECK(runner.counters().started == 1);
}

TEST_CASE_METHOD(ScheduleRunnerTest, "overlap: skip leaves out the times while the run is open") {
  const Definitions definitions = Nightly("  - {id: often, interval: 10s}\n");
  ScheduleRunner runner = NewRunner();
  runner.Tick(definitions, kT);
  runner.Tick(definitions, kT + 10 * kSecond);
  runner.Tick(definitions, kT + 20 * kSecond);
  runner.Tick(definitions, kT + 30 * kSecond);
  CHECK(Runs().size() == 1);
  CHECK(runner.counters().overlap_skipped == 2);
  Close(Runs()[0], RunStatus::kCompleted);
  runner.Tick(definitions, kT + 35 * kSecond);
  CHECK(Runs().size() == 1);  // nothing owed
  runner.Tick(definitions, kT + 40 * kSecond);
  CHECK(WorkflowIds() == std::vector<std::string>{"report.often-2026-12-05T10:00:10Z",
                                                  "report.often-2026-12-05T10:00:40Z"});
}

TEST_CASE_METHOD(ScheduleRunnerTest, "overlap: buffer_one owes one start, buffer_all every one") {
  const bool all = GENERATE(false, true);
  const Definitions definitions = Nightly(std::string("  - {id: often, interval: 10s, overlap: ") +
                                          (all ? "buffer_all" : "buffer_one") + "}\n");
  ScheduleRunner runner = NewRunner();
  runner.Tick(definitions, kT);
  runner.Tick(definitions, kT + 10 * kSecond);  // starts
  runner.Tick(definitions, kT + 20 * kSecond);  // owed
  runner.Tick(definitions, kT + 30 * kSecond);  // owed (buffer_all), or dropped
  REQUIRE(Runs().size() == 1);
  Close(Runs().back(), RunStatus::kCompleted);
  runner.Tick(definitions, kT + 31 * kSecond);
  REQUIRE(Runs().size() == 2);
  Close(Runs().back(), RunStatus::kCompleted);
  runner.Tick(definitions, kT + 32 * kSecond);
  CHECK(Runs().size() == (all ? 3u : 2u));
}

TEST_CASE_METHOD(ScheduleRunnerTest, "overlap: terminate_other and cancel_other") {
  const bool terminate = GENERATE(false, true);
  const Definitions definitions = Nightly(std::string("  - {id: often, interval: 10s, overlap: ") +
                                          (terminate ? "terminate_other" : "cancel_other") + "}\n");
  ScheduleRunner runner = NewRunner();
  runner.Tick(definitions, kT);
  runner.Tick(definitions, kT + 10 * kSecond);
  REQUIRE(Runs().size() == 1);
  const RunRecord first = Runs()[0];
  runner.Tick(definitions, kT + 20 * kSecond);
  const auto inbox = Inbox();
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].run_id == first.run_id);
  CHECK(inbox[0].kind == (terminate ? "terminate" : "cancel"));
  // Terminate starts the new run at once; cancel once the old one has closed.
  CHECK(Runs().size() == (terminate ? 2u : 1u));
  Close(first, terminate ? RunStatus::kTerminated : RunStatus::kCancelled);
  runner.Tick(definitions, kT + 21 * kSecond);
  CHECK(Runs().size() == 2);
}

TEST_CASE_METHOD(ScheduleRunnerTest, "times missed while stopped fire only within the window") {
  const bool windowed = GENERATE(false, true);
  const Definitions definitions =
      Nightly(std::string("  - {id: often, interval: 10s, overlap: allow_all") +
              (windowed ? ", catchup_window: 15s" : "") + "}\n");
  NewRunner().Tick(definitions, kT);
  // 100 s later, a new runner (a restarted service): 10 times were missed.
  ScheduleRunner runner = NewRunner();
  runner.Tick(definitions, kT + 100 * kSecond);
  if (windowed) {
    CHECK(WorkflowIds() == std::vector<std::string>{"report.often-2026-12-05T10:01:30Z",
                                                    "report.often-2026-12-05T10:01:40Z"});
    CHECK(runner.counters().missed_catchup == 1);
  } else {
    CHECK(Runs().size() == 10);  // the default window is a year
  }
}

TEST_CASE_METHOD(ScheduleRunnerTest,
                 "jitter delays each fire by less than the jitter, always alike") {
  const Definitions definitions = Nightly("  - {id: often, interval: 1m, jitter: 30s}\n");
  ScheduleRunner runner = NewRunner();
  const auto next = runner.Tick(definitions, kT);
  REQUIRE(next);
  CHECK(*next >= kT + 60 * kSecond);
  CHECK(*next < kT + 90 * kSecond);
  CHECK(NewRunner().Tick(definitions, kT + kSecond) == next);  // the same on every restart
  runner.Tick(definitions, *next - 1);
  CHECK(Runs().empty());
  runner.Tick(definitions, *next);
  CHECK(Runs().size() == 1);
}

TEST_CASE_METHOD(ScheduleRunnerTest, "pause_on_failure pauses until the declaration changes") {
  const Definitions definitions =
      Nightly("  - {id: often, interval: 10s, pause_on_failure: true}\n");
  ScheduleRunner runner = NewRunner();
  runner.Tick(definitions, kT);
  runner.Tick(definitions, kT + 10 * kSecond);
  REQUIRE(Runs().size() == 1);
  Close(Runs()[0], RunStatus::kFailed);
  runner.Tick(definitions, kT + 20 * kSecond);
  runner.Tick(definitions, kT + 30 * kSecond);
  NewRunner().Tick(definitions, kT + 40 * kSecond);  // a restart does not unpause it
  CHECK(Runs().size() == 1);
  // Edited (here: a new input): it fires again, from then on; the paused times are not owed.
  const Definitions edited =
      Nightly("  - {id: often, interval: 10s, pause_on_failure: true, input: {v: 2}}\n");
  runner.Tick(edited, kT + 45 * kSecond);
  CHECK(Runs().size() == 1);
  runner.Tick(edited, kT + 50 * kSecond);
  CHECK(WorkflowIds().back() == "report.often-2026-12-05T10:00:50Z");
  CHECK(Runs().size() == 2);
}

TEST_CASE_METHOD(ScheduleRunnerTest, "a declared pause, and a broken schedule beside a good one") {
  const Definitions definitions = Nightly(
      "  - {id: held, interval: 10s, paused: true}\n"
      "  - {id: broken, cron: '0 0 * * FUNDAY'}\n"
      "  - {id: often, interval: 10s}\n");
  ScheduleRunner runner = NewRunner();
  runner.Tick(definitions, kT);
  runner.Tick(definitions, kT + 10 * kSecond);
  CHECK(WorkflowIds() == std::vector<std::string>{"report.often-2026-12-05T10:00:10Z"});
}

}  // namespace
}  // namespace weft::embedded
