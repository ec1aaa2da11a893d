// The embedded engine as a specification: every workflow in workflows/ runs to completion on
// it with fake activities; activity failures, retries, timeouts and cancellation reach the
// definition shaped as on Temporal; signals, queries and updates arrive through the journal's
// inbox; timers and runs survive a restart; a journal that replay cannot reproduce fails its
// run instead of the engine. Real SQLite files in a temporary folder, the real interpreter;
// workflow time is a run::ManualClock that the tests advance, or that skips to the next
// deadline whenever the engine is idle: nothing here sleeps.
#include "runtime/embedded/engine.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "dsl/loader.h"
#include "runtime/embedded/journal_client.h"
#include "runtime/embedded/journal_lease.h"
#include "runtime/run/clock.h"
#include "runtime/run/run_seed.h"

namespace {

namespace fs = std::filesystem;
using namespace weft;
using namespace weft::embedded;
using activity::ActivityContext;
using activity::ActivityError;
using activity::ActivityResult;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

const fs::path kWorkflows = fs::path(WEFT_SOURCE_DIR) / "workflows";

std::shared_ptr<const dsl::Definition> Load(const fs::path& path) {
  auto loaded = dsl::LoadDefinitionFile(path);
  if (!loaded) {
    std::string text;
    for (const auto& d : loaded.error()) text += dsl::FormatDiagnostic(d) + "\n";
    FAIL("cannot load " << path << ":\n" << text);
  }
  return *loaded;
}

std::shared_ptr<const dsl::Definition> Parse(const std::string& yaml) {
  auto loaded = dsl::LoadDefinition(yaml);
  if (!loaded) {
    std::string text;
    for (const auto& d : loaded.error()) text += dsl::FormatDiagnostic(d) + "\n";
    FAIL("cannot load the test definition:\n" << text << yaml);
  }
  return *loaded;
}

// Counts calls per activity name; thread-safe.
class Calls {
 public:
  void Add(const std::string& name) {
    std::lock_guard lock(mutex_);
    ++counts_[name];
  }
  int Count(const std::string& name) {
    std::lock_guard lock(mutex_);
    return counts_[name];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> counts_;
};

// The engine's progress events, for tests that must know a step happened before they go on.
class Progress {
 public:
  void Add(const ProgressEvent& event) {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    changed_.notify_all();
  }
  // Waits (in real time, bounded) until an event of `kind` for `step_path` has been seen.
  bool WaitFor(ProgressEvent::Kind kind, const std::string& step_path = "") {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(30), [&] {
      for (const ProgressEvent& event : events_) {
        if (event.kind == kind && (step_path.empty() || event.step_path == step_path)) return true;
      }
      return false;
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ProgressEvent> events_;
};

// Workflow time starts at the real time, so journaled timestamps read as usual.
std::int64_t WallClockMs() { return run::DefaultClock().NowMs(); }

struct Fixture {
  fs::path dir;
  fs::path journal;
  activity::ActivityRegistry registry;
  std::map<std::string, std::shared_ptr<const dsl::Definition>> definitions;
  std::optional<JournalLease> lease;  // as the engine's contract requires
  std::unique_ptr<run::ManualClock> clock;
  std::unique_ptr<Engine> engine;
  Calls calls;
  Progress progress;

  Fixture() {
    static std::atomic<int> counter{0};
    dir = fs::temp_directory_path() /
          ("weft-engine-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    journal = dir / "journal.db";
    for (const auto& entry : fs::directory_iterator(kWorkflows)) {
      auto definition = Load(entry.path());
      definitions[definition->name] = definition;
    }
  }
  ~Fixture() {
    if (engine) engine->Stop();
    engine.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  void Register(const std::string& name,
                std::function<ActivityResult(const json&, ActivityContext&)> function) {
    auto registered = registry.Register(
        {.name = name,
         .function = [this, name, function](const json& input, ActivityContext& context) {
           calls.Add(name);
           return function(input, context);
         }});
    REQUIRE(registered);
  }
  void Echo(const std::string& name, json result = json::object()) {
    Register(name, [result](const json&, ActivityContext&) -> ActivityResult { return result; });
  }

  // `skip_when_idle`: time jumps to the next deadline whenever nothing is in flight (timers
  // and retries are immediate); otherwise it moves only when the test advances it.
  void Open(bool skip_when_idle = true) {
    if (!lease) {
      auto acquired = JournalLease::TryAcquire(journal);
      REQUIRE(acquired);
      REQUIRE(*acquired);
      lease = std::move(*acquired);
    }
    EngineOptions options;
    options.journal_path = journal;
    options.registry = &registry;
    options.find_definition = [this](std::string_view name, std::optional<std::int64_t> version) {
      auto found = definitions.find(std::string(name));
      if (found == definitions.end()) return std::shared_ptr<const dsl::Definition>();
      return !version || found->second->version == *version ? found->second : nullptr;
    };
    clock =
        std::make_unique<run::ManualClock>(clock ? clock->NowMs() : WallClockMs(), skip_when_idle);
    options.clock = clock.get();
    options.on_progress = [this](const ProgressEvent& event) { progress.Add(event); };
    options.activity_threads = activity_threads;
    options.resident_waiting_runs = resident_waiting_runs;
    options.closed_outcomes_kept = closed_outcomes_kept;
    auto opened = Engine::Open(std::move(options));
    REQUIRE(opened);
    engine = std::move(*opened);
  }
  void Restart(bool skip_when_idle = true) {
    engine->Stop();
    engine.reset();
    Open(skip_when_idle);
  }
  int activity_threads = 4;
  std::size_t resident_waiting_runs = 1000;  // 0: every run that only waits is parked at once
  std::size_t closed_outcomes_kept = 10000;

  // Waits (in real time, bounded) until the engine holds `count` runs parked.
  bool WaitParked(std::uint64_t count) {
    for (int tries = 0; tries < 3000; ++tries) {
      if (engine->stats().parked_runs == count) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }

  RunOutcome Run(const std::string& name, json input) {
    const std::string run_id = engine->StartRun(definitions.at(name), std::move(input));
    return Wait(run_id);
  }
  RunOutcome Wait(const std::string& run_id, milliseconds timeout = seconds(60)) {
    auto outcome = engine->WaitForRun(run_id, timeout);
    REQUIRE(outcome);
    return *outcome;
  }
  std::string Failure(const RunOutcome& outcome) { return outcome.failure.dump(); }
};

// ---- every shipped workflow ----

TEST_CASE("hello runs to completion") {
  Fixture f;
  f.Echo("log");
  f.Open();
  RunOutcome outcome = f.Run("hello", {{"name", "Ada"}});
  CHECK(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == json{{"greeting", "Hello, Ada!"}});
  CHECK(f.calls.Count("log") == 1);
}

// A run's row is written with its first activation, and each activation that ends a wait with
// the step it leads to: a run of one step costs one transaction, one of an activity two.
TEST_CASE("a new run's row shares a transaction with its first activation") {
  Fixture f;
  f.Echo("log");
  f.definitions["instant"] = Parse(R"(dsl: 1
name: instant
vars: {done: false}
steps:
  - id: finish
    set: {done: true}
output: {done: '${ vars.done }'}
)");
  f.Open();
  const std::uint64_t before = f.engine->stats().transactions;
  RunOutcome outcome = f.Run("instant", json::object());
  CHECK(outcome.status == RunStatus::kCompleted);
  CHECK(f.engine->stats().transactions - before == 1);
  outcome = f.Run("hello", {{"name", "Ada"}});
  CHECK(outcome.status == RunStatus::kCompleted);
  CHECK(f.engine->stats().transactions - before == 3);
}

// An activity may start while the step that scheduled it commits (activity_attempt.h), except
// in the run's first activation, before which the run itself is not durable. The test holds
// the journal's write lock, as another process would, to keep a commit waiting.
TEST_CASE("an activity starts while its step commits, but never before its run is durable") {
  Fixture f;
  std::promise<void> second_ran;
  // Each holder is an open file description of the journal's write lock, as another process
  // has; whatever is still held when the test ends (a failed check) is let go before the
  // engine stops, which would otherwise wait for it.
  struct Holder {
    fs::path path;
    std::atomic<int> fd{-1};
    void Hold() {
      const int opened = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      REQUIRE(opened >= 0);
      REQUIRE(::flock(opened, LOCK_EX) == 0);
      fd = opened;
    }
    void Release() {
      if (const int held = fd.exchange(-1); held >= 0) ::close(held);
    }
    ~Holder() { Release(); }
  };
  Holder test_holds{.path = BesideJournal(f.journal, ".write-lock")};
  Holder first_holds{.path = test_holds.path};
  f.Register("first", [&](const json&, ActivityContext&) -> ActivityResult {
    first_holds.Hold();  // the commit of the step that follows waits for the test
    return json{{"n", 1}};
  });
  f.Register("second", [&](const json&, ActivityContext&) -> ActivityResult {
    second_ran.set_value();
    return json{{"n", 2}};
  });
  f.definitions["two-steps"] = Parse(R"(dsl: 1
name: two-steps
defaults: {call: {timeouts: {start_to_close: 30s}}}
steps:
  - id: one
    call: first
  - id: two
    call: second
output: ${ steps.two.result }
)");
  f.Open(false);
  test_holds.Hold();
  const std::string run_id = f.engine->StartRun(f.definitions.at("two-steps"), json::object());
  // The first activation cannot commit; its activity must not start (100 ms is ample for
  // one that would: a hand-off to a pool thread takes microseconds).
  std::this_thread::sleep_for(milliseconds(100));
  CHECK(f.calls.Count("first") == 0);
  test_holds.Release();
  // `first` takes the lock again before it returns: the second activation, which schedules
  // `second`, then waits to commit, and `second` runs meanwhile.
  REQUIRE(second_ran.get_future().wait_for(seconds(30)) == std::future_status::ready);
  {
    auto reader = Journal::Open(f.journal);
    REQUIRE(reader);
    auto activations = (*reader)->Activations(run_id);
    REQUIRE(activations);
    CHECK(activations->size() == 1);  // the step that scheduled `second` is not committed yet
  }
  first_holds.Release();
  RunOutcome outcome = f.Wait(run_id);
  CHECK(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == json{{"n", 2}});
  CHECK(f.calls.Count("first") == 1);
  CHECK(f.calls.Count("second") == 1);
}

// A long-lived engine keeps the outcomes of the runs it closed only up to a bound; the
// journal answers for the older ones, with the same outcome.
TEST_CASE("outcomes of closed runs are kept up to a bound, the journal answers for the rest") {
  Fixture f;
  f.Echo("log");
  f.closed_outcomes_kept = 2;
  f.Open();
  std::vector<std::string> run_ids;
  for (int i = 0; i < 6; ++i) {
    run_ids.push_back(
        f.engine->StartRun(f.definitions.at("hello"), {{"name", "n" + std::to_string(i)}}));
    CHECK(f.Wait(run_ids.back()).status == RunStatus::kCompleted);
  }
  CHECK(f.engine->stats().closed_outcomes == 2);
  for (int i = 0; i < 6; ++i) {
    RunOutcome outcome = f.Wait(run_ids[i]);
    CHECK(outcome.status == RunStatus::kCompleted);
    CHECK(outcome.result == json{{"greeting", "Hello, n" + std::to_string(i) + "!"}});
  }
}

TEST_CASE("order-clothes charges, ships and confirms") {
  Fixture f;
  f.Echo("payments.charge", {{"id", "ch_1"}});
  f.Echo("payments.refund");
  f.Echo("shipping.create", {{"tracking", "TRK1"}});
  f.Echo("email.send");
  f.Open();
  RunOutcome outcome =
      f.Run("order-clothes",
            {{"order_id", "o1"}, {"email", "a@b.c"}, {"items", json::array()}, {"total", 10}});
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == json{{"order_id", "o1"}, {"charge_id", "ch_1"}, {"tracking", "TRK1"}});
  CHECK(f.calls.Count("payments.refund") == 0);
}

TEST_CASE("order-clothes: a declined card is not retried; a shipping failure is compensated") {
  Fixture f;
  std::atomic<bool> decline{true};
  f.Register("payments.charge", [&](const json&, ActivityContext&) -> ActivityResult {
    if (decline) return std::unexpected(ActivityError::Retryable("CardDeclined", "declined"));
    return json{{"id", "ch_2"}};
  });
  f.Echo("payments.refund");
  f.Register("shipping.create", [](const json&, ActivityContext&) -> ActivityResult {
    return std::unexpected(ActivityError::NonRetryable("OutOfStock", "no stock"));
  });
  f.Echo("email.send");
  f.Open();
  const json input = {
      {"order_id", "o1"}, {"email", "a@b.c"}, {"items", json::array()}, {"total", 10}};
  RunOutcome declined = f.Run("order-clothes", input);
  CHECK(declined.status == RunStatus::kFailed);
  CHECK(f.Failure(declined).find("CardDeclined") != std::string::npos);
  CHECK(f.calls.Count("payments.charge") == 1);  // non_retryable_error_types
  CHECK(f.calls.Count("payments.refund") == 0);

  decline = false;
  RunOutcome unshipped = f.Run("order-clothes", input);
  CHECK(unshipped.status == RunStatus::kFailed);
  CHECK(f.Failure(unshipped).find("OutOfStock") != std::string::npos);
  CHECK(f.calls.Count("payments.refund") == 1);  // on_failure: compensate
}

TEST_CASE("expense-approval: a signal from another process decides; updates and queries answer") {
  Fixture f;
  f.Echo("email.send");
  f.Echo("payments.reimburse", {{"paid", true}});
  f.Open(/*skip_when_idle=*/false);  // the 48h timeout must not pass
  const std::string run_id =
      f.engine->StartRun(f.definitions.at("expense-approval"),
                         {{"request_id", "e1"}, {"amount", 12.5}, {"requester", "ada"}});
  auto client = JournalClient::Open(f.journal);
  REQUIRE(client);

  auto refused = client->Send(run_id, "update", "comment", {{"text", ""}});
  REQUIRE(refused);
  auto refused_reply = client->AwaitReply(*refused, seconds(20));
  INFO((refused_reply ? std::string() : refused_reply.error()));
  REQUIRE(refused_reply);
  CHECK_FALSE(refused_reply->ok);

  auto update = client->Send(run_id, "update", "comment", {{"text", "receipt attached"}});
  REQUIRE(update);
  auto update_reply = client->AwaitReply(*update, seconds(20));
  REQUIRE(update_reply);
  CHECK(update_reply->ok);
  CHECK(update_reply->value == json{{"accepted", true}});

  auto query = client->Send(run_id, "query", "decision", nullptr);
  REQUIRE(query);
  auto query_reply = client->AwaitReply(*query, seconds(20));
  REQUIRE(query_reply);
  CHECK(query_reply->ok);
  CHECK(query_reply->value == json{{"decision", "pending"}, {"approver", nullptr}});

  REQUIRE(client->Send(run_id, "signal", "approve", {{"approver", "bob"}}));
  RunOutcome outcome = f.Wait(run_id);
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == json{{"decision", "approved"}, {"approver", "bob"}});
  CHECK(f.calls.Count("payments.reimburse") == 1);
}

TEST_CASE("expense-approval: without an answer the 48h timeout rejects it") {
  Fixture f;
  f.Echo("email.send");
  f.Echo("payments.reimburse");
  f.Open();  // skipping time: the durable timer fires at once
  RunOutcome outcome =
      f.Run("expense-approval", {{"request_id", "e2"}, {"amount", 1}, {"requester", "ada"}});
  CHECK(outcome.status == RunStatus::kFailed);
  CHECK(f.Failure(outcome).find("ExpenseRejected") != std::string::npos);
  CHECK(f.calls.Count("payments.reimburse") == 0);
}

TEST_CASE("image-thumbnails fans out and collects") {
  Fixture f;
  f.Register("images.resize", [](const json& input, ActivityContext&) -> ActivityResult {
    return json{{"url", input["url"].get<std::string>() + "?w=256"}};
  });
  f.Echo("catalogue.upsert");
  f.Echo("catalogue.publish");
  f.Open();
  json images = json::array();
  for (int i = 0; i < 6; ++i) images.push_back("img" + std::to_string(i));
  RunOutcome outcome = f.Run("image-thumbnails", {{"album_id", "a1"}, {"images", images}});
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result["thumbnails"].size() == 6);
  CHECK(outcome.result["thumbnails"][5] == "img5?w=256");
  CHECK(f.calls.Count("images.resize") == 6);
}

TEST_CASE("inventory-sync polls, continues as new after 100 pages, and finishes") {
  Fixture f;
  f.Register("warehouse.changes", [](const json& input, ActivityContext&) -> ActivityResult {
    const int page = input["cursor"].get<std::string>().empty()
                         ? 0
                         : std::stoi(input["cursor"].get<std::string>());
    return json{{"next_cursor", std::to_string(page + 1)}, {"complete", page + 1 >= 104}};
  });
  f.Open();
  const std::string first = f.engine->StartRun(f.definitions.at("inventory-sync"), json::object());
  RunOutcome outcome = f.Wait(first, seconds(120));
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.run_id != first);  // the run that finished is the continuation
  CHECK(outcome.result == json{{"pages", 4}});
  CHECK(f.calls.Count("warehouse.changes") == 104);
  auto client = JournalClient::Open(f.journal);
  REQUIRE(client);
  auto original = client->Resolve(first);
  REQUIRE(original);
  CHECK(original->status == RunStatus::kContinuedAsNew);
  CHECK(original->continued_to == outcome.run_id);
  // Every run of the chain seeds uuid() and random() from the chain's first run, as Temporal
  // seeds them from original_execution_run_id.
  auto journal = Journal::Open(f.journal);
  REQUIRE(journal);
  for (const std::string& run_id : {first, outcome.run_id}) {
    auto activations = (*journal)->Activations(run_id);
    REQUIRE(activations);
    REQUIRE_FALSE(activations->empty());
    CHECK(activations->front().jobs[0]["random_seed"] == std::to_string(run::RunSeed(first)));
  }
}

TEST_CASE("customer-onboarding starts children, waits a day and checks in") {
  Fixture f;
  f.Echo("accounts.create");
  f.Echo("accounts.invite_team");
  f.Echo("email.send");
  f.definitions["send-welcome"] = Parse(R"(dsl: 1
name: send-welcome
input: {type: object}
steps:
  - id: send
    call: email.send
    args: {to: '${ input.email }'}
    timeouts: {start_to_close: 10s}
output: sent
)");
  f.definitions["provision-cluster"] = Parse(R"(dsl: 1
name: provision-cluster
vars: {cluster: none}
steps:
  - id: done
    set: {cluster: c1}
output: {cluster: '${ vars.cluster }'}
)");
  f.Open();
  for (const std::string plan : {"team", "enterprise", "free"}) {
    RunOutcome outcome = f.Run("customer-onboarding",
                               {{"customer_id", "c-" + plan}, {"plan", plan}, {"email", "x@y.z"}});
    INFO(plan << ": " << outcome.failure.dump());
    CHECK(outcome.status == RunStatus::kCompleted);
    CHECK(outcome.result == json{{"customer_id", "c-" + plan}});
  }
  CHECK(f.calls.Count("accounts.invite_team") == 1);
  CHECK(f.engine->WaitUntilIdle(seconds(20)));  // the welcome children finish too
  CHECK(f.calls.Count("email.send") == 6);      // 3 check-ins + 3 welcomes
}

// ---- activity failure paths ----

const char* kRetrying = R"(dsl: 1
name: retrying
steps:
  - id: flaky
    call: test.flaky
    timeouts: {start_to_close: 10s}
    retry: {initial_interval: 10ms, maximum_attempts: 5}
    result: value
output: ${ vars.value }
)";

TEST_CASE("an activity is retried with backoff until it succeeds") {
  Fixture f;
  std::atomic<int> attempts{0};
  f.Register("test.flaky", [&](const json&, ActivityContext& context) -> ActivityResult {
    ++attempts;
    if (context.Info().attempt < 3) return std::unexpected(ActivityError::Retryable("Flaky", "no"));
    return json(context.Info().attempt);
  });
  f.definitions["retrying"] = Parse(kRetrying);
  f.Open();  // the backoff passes in virtual time
  RunOutcome outcome = f.Run("retrying", nullptr);
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == 3);
  CHECK(attempts == 3);
}

TEST_CASE("retries end at maximum_attempts; the failure is shaped like Temporal's") {
  Fixture f;
  f.Register("test.flaky", [&](const json&, ActivityContext&) -> ActivityResult {
    return std::unexpected(ActivityError::Retryable("Flaky", "always", {{"why", "test"}}));
  });
  f.definitions["retrying"] = Parse(kRetrying);
  f.Open();
  RunOutcome outcome = f.Run("retrying", nullptr);
  REQUIRE(outcome.status == RunStatus::kFailed);
  CHECK(f.calls.Count("test.flaky") == 5);
  // The workflow's failure wraps the activity's: kActivity around kApplication.
  const std::string text = f.Failure(outcome);
  CHECK(text.find("\"activity\"") != std::string::npos);
  CHECK(text.find("Flaky") != std::string::npos);
  CHECK(text.find("MAXIMUM_ATTEMPTS_REACHED") != std::string::npos);
}

TEST_CASE("catch sees the activity's error type; non_retryable stops at once") {
  Fixture f;
  f.Register("test.fail", [](const json&, ActivityContext&) -> ActivityResult {
    return std::unexpected(ActivityError::NonRetryable("Denied", "no way"));
  });
  f.definitions["catching"] = Parse(R"(dsl: 1
name: catching
vars: {seen: none}
steps:
  - id: guarded
    try:
      steps:
        - id: call
          call: test.fail
          timeouts: {start_to_close: 10s}
      catch:
        - errors: [Denied]
          as: problem
          steps:
            - id: note
              set: {seen: '${ problem.type }'}
output: ${ vars.seen }
)");
  f.Open();
  RunOutcome outcome = f.Run("catching", nullptr);
  INFO(outcome.failure.dump());
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == "Denied");
  CHECK(f.calls.Count("test.fail") == 1);
}

TEST_CASE("start_to_close: a hung attempt is abandoned and retried; its late result is ignored") {
  Fixture f;
  std::promise<void> running;
  f.Register("test.slow", [&](const json&, ActivityContext& context) -> ActivityResult {
    if (context.Info().attempt == 1) {
      running.set_value();
      context.WaitForCancel(seconds(5));  // outlives its 200ms; the engine cancels it
      return json("late");
    }
    return json("fast");
  });
  f.definitions["slow"] = Parse(R"(dsl: 1
name: slow
steps:
  - id: call
    call: test.slow
    timeouts: {start_to_close: 200ms}
    retry: {initial_interval: 10ms, maximum_attempts: 2}
    result: value
output: ${ vars.value }
)");
  f.Open();
  const std::string run_id = f.engine->StartRun(f.definitions.at("slow"), nullptr);
  // While the attempt runs nothing skips time: the test moves it past start-to-close.
  REQUIRE(running.get_future().wait_for(seconds(30)) == std::future_status::ready);
  f.clock->Advance(milliseconds(250));
  RunOutcome outcome = f.Wait(run_id);
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == "fast");
}

TEST_CASE("start_to_close on the last attempt fails with a START_TO_CLOSE timeout") {
  Fixture f;
  std::promise<void> running;
  f.Register("test.slow", [&](const json&, ActivityContext& context) -> ActivityResult {
    running.set_value();
    context.WaitForCancel(seconds(5));
    return std::unexpected(ActivityError::Cancelled());
  });
  f.definitions["slow"] = Parse(R"(dsl: 1
name: slow
steps:
  - id: call
    call: test.slow
    timeouts: {start_to_close: 100ms}
    retry: {maximum_attempts: 1}
)");
  f.Open();
  const std::string run_id = f.engine->StartRun(f.definitions.at("slow"), nullptr);
  REQUIRE(running.get_future().wait_for(seconds(30)) == std::future_status::ready);
  f.clock->Advance(milliseconds(150));
  RunOutcome outcome = f.Wait(run_id);
  REQUIRE(outcome.status == RunStatus::kFailed);
  CHECK(f.Failure(outcome).find("START_TO_CLOSE") != std::string::npos);
}

TEST_CASE("heartbeat: an activity that stops heartbeating times out") {
  Fixture f;
  std::promise<void> beat;
  f.Register("test.silent", [&](const json&, ActivityContext& context) -> ActivityResult {
    context.Heartbeat({{"progress", 1}});
    beat.set_value();
    context.WaitForCancel(seconds(5));
    return std::unexpected(ActivityError::Cancelled());
  });
  f.definitions["silent"] = Parse(R"(dsl: 1
name: silent
steps:
  - id: call
    call: test.silent
    timeouts: {start_to_close: 30s, heartbeat: 150ms}
    retry: {maximum_attempts: 1}
)");
  f.Open();
  const std::string run_id = f.engine->StartRun(f.definitions.at("silent"), nullptr);
  REQUIRE(beat.get_future().wait_for(seconds(30)) == std::future_status::ready);
  f.clock->Advance(milliseconds(200));  // well within start-to-close, past the heartbeat
  RunOutcome outcome = f.Wait(run_id);
  REQUIRE(outcome.status == RunStatus::kFailed);
  CHECK(f.Failure(outcome).find("HEARTBEAT") != std::string::npos);
}

TEST_CASE("cancellation: the losing branch of a first-wins parallel is cancelled") {
  Fixture f;
  std::promise<bool> saw_cancel;
  f.Register("test.forever", [&](const json&, ActivityContext& context) -> ActivityResult {
    saw_cancel.set_value(context.WaitForCancel(seconds(20)));
    return std::unexpected(ActivityError::Cancelled());
  });
  f.Echo("test.quick", "quick");
  f.definitions["race"] = Parse(R"(dsl: 1
name: race
defaults:
  call:
    timeouts: {start_to_close: 30s}
steps:
  - id: race
    parallel:
      mode: any
      branches:
        - id: slow
          steps:
            - id: forever
              call: test.forever
        - id: fast
          steps:
            - id: quick
              call: test.quick
    result: winner
output: ${ vars.winner.branch }
)");
  f.Open(false);
  RunOutcome outcome = f.Run("race", nullptr);
  INFO(outcome.failure.dump());
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == "fast");
  auto cancelled = saw_cancel.get_future();
  REQUIRE(cancelled.wait_for(seconds(30)) == std::future_status::ready);
  CHECK(cancelled.get());
}

TEST_CASE("a workflow cancelled from another process ends cancelled") {
  Fixture f;
  f.Echo("log");
  f.definitions["waiting"] = Parse(R"(dsl: 1
name: waiting
handlers:
  signals:
    go: {}
steps:
  - id: wait
    await: {signal: go}
)");
  f.Open(false);
  const std::string run_id = f.engine->StartRun(f.definitions.at("waiting"), nullptr);
  auto client = JournalClient::Open(f.journal);
  REQUIRE(client);
  auto sent = client->Send(run_id, "cancel", "enough", nullptr);
  REQUIRE(sent);
  RunOutcome outcome = f.Wait(run_id);
  CHECK(outcome.status == RunStatus::kCancelled);
}

// ---- restarts ----

TEST_CASE("a durable timer and completed steps survive a restart") {
  Fixture f;
  f.Echo("test.before", "before");
  f.Echo("test.after", "after");
  f.definitions["timer"] = Parse(R"(dsl: 1
name: timer
defaults:
  call:
    timeouts: {start_to_close: 10s}
steps:
  - id: before
    call: test.before
  - id: pause
    wait: 1s
  - id: after
    call: test.after
    result: value
output: ${ vars.value }
)");
  f.Open(false);
  const std::string run_id = f.engine->StartRun(f.definitions.at("timer"), nullptr);
  // Its activation is committed by the time the engine stops: Stop drains the writer.
  REQUIRE(f.progress.WaitFor(ProgressEvent::Kind::kTimerStarted));
  REQUIRE(f.calls.Count("test.before") == 1);
  f.Restart(false);
  f.definitions.erase("timer");  // the run is pinned: it needs nothing from here
  f.clock->Advance(seconds(1));
  RunOutcome outcome = f.Wait(run_id);
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == "after");
  CHECK(f.calls.Count("test.before") == 1);
  CHECK(f.calls.Count("test.after") == 1);
  // Rebuilt from its journal: parked at start-up, then woken by its timer.
  CHECK(f.engine->stats().woken_runs == 1);
}

TEST_CASE("a journal that replay cannot reproduce fails its run with a non-determinism error") {
  Fixture f;
  f.Echo("log");
  f.definitions["waiting"] = Parse(R"(dsl: 1
name: waiting
handlers:
  signals:
    go: {}
steps:
  - id: hello
    call: log
    args: {message: hi}
    timeouts: {start_to_close: 10s}
  - id: wait
    await: {signal: go}
)");
  f.Open(false);
  const std::string run_id = f.engine->StartRun(f.definitions.at("waiting"), nullptr);
  REQUIRE(f.progress.WaitFor(ProgressEvent::Kind::kActivityCompleted));
  f.engine->Stop();
  f.engine.reset();
  {
    // Rewrite history: the first activation now says it scheduled another activity.
    auto journal = Journal::Open(f.journal);
    REQUIRE(journal);
    auto activations = (*journal)->Activations(run_id);
    REQUIRE(activations);
    REQUIRE_FALSE(activations->empty());
    json commands = activations->front().commands;
    for (auto& command : commands) {
      if (command["command"] == "schedule_activity") command["activity_type"] = "other.thing";
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(f.journal.c_str(), &db) == SQLITE_OK);
    const std::string sql = "UPDATE activations SET commands = '" + commands.dump() +
                            "' WHERE run_id = '" + run_id + "' AND seq = 1";
    CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    CHECK(sqlite3_changes(db) == 1);
    sqlite3_close(db);
  }
  f.Open(false);
  // It waits for a signal, so the engine holds it parked; the signal rebuilds it, which is
  // where replay finds the divergence.
  auto client = JournalClient::Open(f.journal);
  REQUIRE(client);
  REQUIRE(client->Send(run_id, "signal", "go", nullptr));
  auto outcome = f.engine->WaitForRun(run_id, seconds(20));
  REQUIRE(outcome);
  CHECK(outcome->status == RunStatus::kFailed);
  CHECK(outcome->failure["type"] == "NonDeterminism");
  CHECK(outcome->failure["kind"] == "non_determinism");
  CHECK(outcome->failure["details"]["code"] == "WEFT3001");
  CHECK_THAT(outcome->failure["details"]["recorded"].get<std::string>(),
             Catch::Contains("other.thing"));
  CHECK_THAT(outcome->failure["details"]["produced"].get<std::string>(),
             Catch::Contains("\"activity_type\":\"log\""));
  CHECK(outcome->failure["details"]["where"] == "activation 1, command 2");
}

// ---- what the engine owes a Temporal user ----

TEST_CASE("a closed run still answers queries, as on Temporal") {
  Fixture f;
  f.definitions["counter"] = Parse(R"(dsl: 1
name: counter
vars: {count: 0}
handlers:
  queries:
    count: {value: '${ vars.count }'}
steps:
  - id: bump
    set: {count: 41}
  - id: again
    set: {count: '${ vars.count + 1 }'}
output: done
)");
  f.Open();
  RunOutcome outcome = f.Run("counter", nullptr);
  REQUIRE(outcome.status == RunStatus::kCompleted);
  auto client = JournalClient::Open(f.journal);
  REQUIRE(client);
  auto asked = client->Send(outcome.run_id, "query", "count", nullptr);
  REQUIRE(asked);
  auto answer = client->AwaitReply(*asked, seconds(20));
  REQUIRE(answer);
  CHECK(answer->ok);
  CHECK(answer->value == 42);

  // Also after a restart, when the run is only in the journal.
  f.Restart();
  auto again = client->Send(outcome.run_id, "query", "count", nullptr);
  REQUIRE(again);
  auto second = client->AwaitReply(*again, seconds(20));
  REQUIRE(second);
  CHECK(second->value == 42);

  // A query the definition does not declare fails with the one query failure shape.
  auto unknown = client->Send(outcome.run_id, "query", "nope", nullptr);
  REQUIRE(unknown);
  auto refused = client->AwaitReply(*unknown, seconds(20));
  REQUIRE(refused);
  CHECK_FALSE(refused->ok);
  CHECK(refused->value.contains("kind"));
}

// Waits for a signal that never comes, for at most its definition's timeout of an hour.
constexpr char kPatient[] = R"(dsl: 1
name: patient
timeout: 1h
handlers:
  signals:
    go: {}
steps:
  - id: wait
    await: {signal: go}
)";

TEST_CASE("a definition's timeout ends the run as timed out") {
  Fixture f;
  f.definitions["patient"] = Parse(kPatient);
  f.Open(false);
  const std::string run_id = f.engine->StartRun(f.definitions.at("patient"), nullptr);
  REQUIRE(f.progress.WaitFor(ProgressEvent::Kind::kRunStarted));
  f.clock->Advance(std::chrono::minutes(59));
  CHECK_FALSE(f.engine->WaitForRun(run_id, milliseconds(200)));  // not yet
  f.clock->Advance(std::chrono::minutes(2));
  RunOutcome outcome = f.Wait(run_id);
  CHECK(outcome.status == RunStatus::kTimedOut);
  CHECK(outcome.failure["kind"] == "timeout");
  CHECK(outcome.failure["type"] == "Timeout");
}

TEST_CASE("an attempt that never returns does not keep its pool thread") {
  Fixture f;
  f.activity_threads = 1;
  std::promise<void> release;
  std::promise<void> running;
  std::promise<void> returned;
  std::shared_future<void> released = release.get_future().share();
  f.Register("test.stuck",
             [released, &running, &returned](const json&, ActivityContext&) -> ActivityResult {
               running.set_value();
               released.wait();  // ignores cancellation, like a C call that cannot be interrupted
               returned.set_value();
               return json("late");
             });
  f.Echo("test.quick", "quick");
  f.definitions["stuck"] = Parse(R"(dsl: 1
name: stuck
steps:
  - id: call
    call: test.stuck
    timeouts: {start_to_close: 100ms}
    retry: {maximum_attempts: 1}
)");
  f.definitions["quick"] = Parse(R"(dsl: 1
name: quick
steps:
  - id: call
    call: test.quick
    timeouts: {start_to_close: 10s}
    result: value
output: ${ vars.value }
)");
  f.Open();
  const std::string stuck = f.engine->StartRun(f.definitions.at("stuck"), nullptr);
  REQUIRE(running.get_future().wait_for(seconds(30)) == std::future_status::ready);
  f.clock->Advance(milliseconds(150));
  RunOutcome timed_out = f.Wait(stuck);
  CHECK(timed_out.status == RunStatus::kFailed);
  // The one pool thread is still inside test.stuck; a replacement serves the next run.
  RunOutcome quick = f.Run("quick", nullptr);
  CHECK(quick.status == RunStatus::kCompleted);
  CHECK(quick.result == "quick");
  release.set_value();
  // The abandoned call is still inside the registry's function, which must outlive it
  // (EngineOptions::registry): the fixture, which owns the registry, goes only once it returned.
  returned.get_future().wait();
}

// ---- parked runs (run_parking.h): whatever reaches one wakes it, and it goes on as before ----

// Waits for `go` (or times out after an hour), counting notes that updates add; `count` tells.
constexpr const char* kParkable = R"(dsl: 1
name: parkable
vars: {notes: 0}
handlers:
  queries:
    count: ${ vars.notes }
  signals:
    go: {}
  updates:
    note:
      set: {notes: '${ vars.notes + 1 }'}
      result: ${ vars.notes }
steps:
  - id: hello
    call: log
    args: {message: hi}
    timeouts: {start_to_close: 10s}
  - id: wait
    await: {signal: go, timeout: 1h}
    result: go
output: '${ {"go": vars.go, "notes": vars.notes} }'
)";

struct Parked {
  Fixture f;
  std::string run_id;
  std::optional<JournalClient> client;

  // A run of kParkable, parked while it waits for `go`.
  Parked() {
    f.Echo("log");
    f.definitions["parkable"] = Parse(kParkable);
    f.resident_waiting_runs = 0;
    f.Open(false);
    run_id = f.engine->StartRun(f.definitions.at("parkable"), nullptr);
    REQUIRE(f.WaitParked(1));
    auto opened = JournalClient::Open(f.journal);
    REQUIRE(opened);
    client.emplace(std::move(*opened));
  }
  Reply Ask(const std::string& kind, const std::string& name, json payload = nullptr) {
    auto sent = client->Send(run_id, kind, name, std::move(payload));
    REQUIRE(sent);
    auto reply = client->AwaitReply(*sent, seconds(20));
    REQUIRE(reply);
    return *reply;
  }
};

TEST_CASE("a parked run wakes on a signal") {
  Parked p;
  REQUIRE(p.client->Send(p.run_id, "signal", "go", {{"by", "ada"}}));
  RunOutcome outcome = p.f.Wait(p.run_id);
  REQUIRE(outcome.status == RunStatus::kCompleted);
  CHECK(outcome.result == json{{"go", {{"by", "ada"}}}, {"notes", 0}});
  CHECK(p.f.engine->stats().woken_runs == 1);
  CHECK(p.f.calls.Count("log") == 1);  // replay did not call it again
}

TEST_CASE("a parked run wakes when its timer fires") {
  Parked p;
  p.f.clock->Advance(std::chrono::minutes(61));
  RunOutcome outcome = p.f.Wait(p.run_id);
  CHECK(outcome.status == RunStatus::kFailed);
  CHECK(outcome.failure["type"] == "Timeout");  // the await's timeout
  CHECK(p.f.engine->stats().woken_runs == 1);
}

TEST_CASE("a parked run answers queries and updates, and parks again in between") {
  Parked p;
  CHECK(p.Ask("query", "count").value == 0);
  REQUIRE(p.f.WaitParked(1));
  Reply update = p.Ask("update", "note");
  CHECK(update.ok);
  CHECK(update.value == 1);
  REQUIRE(p.f.WaitParked(1));
  CHECK(p.Ask("query", "count").value == 1);  // the update is in its journal
  REQUIRE(p.f.WaitParked(1));
  REQUIRE(p.client->Send(p.run_id, "signal", "go", nullptr));
  RunOutcome outcome = p.f.Wait(p.run_id);
  CHECK(outcome.result == json{{"go", nullptr}, {"notes", 1}});
  CHECK(p.f.engine->stats().woken_runs == 4);
}

TEST_CASE("a parked run is cancelled or terminated") {
  Parked p;
  SECTION("cancel") {
    REQUIRE(p.client->Send(p.run_id, "cancel", "enough", nullptr));
    CHECK(p.f.Wait(p.run_id).status == RunStatus::kCancelled);
  }
  SECTION("terminate") {
    REQUIRE(p.client->Send(p.run_id, "terminate", "stop", nullptr));
    RunOutcome outcome = p.f.Wait(p.run_id);
    CHECK(outcome.status == RunStatus::kTerminated);
    CHECK(outcome.failure["message"] == "stop");
  }
  CHECK(p.f.engine->stats().parked_runs == 0);
}

TEST_CASE("a definition's timeout reaches a parked run") {
  Fixture f;
  f.definitions["patient"] = Parse(kPatient);
  f.resident_waiting_runs = 0;
  f.Open(false);
  const std::string run_id = f.engine->StartRun(f.definitions.at("patient"), nullptr);
  REQUIRE(f.WaitParked(1));
  f.clock->Advance(std::chrono::minutes(61));
  CHECK(f.Wait(run_id).status == RunStatus::kTimedOut);
}

TEST_CASE("after a restart, runs that only wait are parked without replay and wake as before") {
  Parked p;
  // From now on the run parks only beyond the limit: it stays resident once woken.
  p.f.resident_waiting_runs = 1000;
  p.f.Restart(false);
  CHECK(p.f.engine->stats().replayed_runs == 0);
  CHECK(p.f.engine->stats().parked_runs == 1);
  CHECK(p.Ask("update", "note").value == 1);
  CHECK(p.f.engine->stats().woken_runs == 1);
  CHECK(p.f.engine->stats().parked_runs == 0);  // within the limit: it stays resident

  p.f.Restart(false);
  CHECK(p.f.engine->stats().replayed_runs == 0);
  p.f.clock->Advance(std::chrono::minutes(61));  // its await's timer, from the journal's row
  RunOutcome outcome = p.f.Wait(p.run_id);
  CHECK(outcome.status == RunStatus::kFailed);
  CHECK(outcome.failure["type"] == "Timeout");
  CHECK(p.f.calls.Count("log") == 1);
}

TEST_CASE("beyond the resident limit, the longest waiting runs are parked") {
  Fixture f;
  f.Echo("log");
  f.definitions["parkable"] = Parse(kParkable);
  f.resident_waiting_runs = 2;
  f.Open(false);
  std::vector<std::string> runs;
  for (int i = 0; i < 5; ++i)
    runs.push_back(f.engine->StartRun(f.definitions.at("parkable"), nullptr));
  REQUIRE(f.WaitParked(3));
  auto client = JournalClient::Open(f.journal);
  REQUIRE(client);
  for (const std::string& run : runs) REQUIRE(client->Send(run, "signal", "go", nullptr));
  for (const std::string& run : runs) CHECK(f.Wait(run).status == RunStatus::kCompleted);
  CHECK(f.engine->stats().woken_runs == 3);
}

}  // namespace
