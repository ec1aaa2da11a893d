// Engine: the embedded engine. It executes workflow runs in this process, durably: every
// activation of every run is journaled (journal.h) before its effects happen, so that a run
// killed at any moment (SIGKILL included) is rebuilt on the next start by replaying its
// journaled activations through a fresh WorkflowInstance, and then goes on.
//
// One engine thread owns every run and drives the interpreter; a GroupCommit thread writes
// the journal (many runs' steps per transaction); an ActivityPool runs activity attempts with
// Temporal's retry policy and timeouts. engine_core.h says which part of the engine does what. Per
// run at most one activation is waiting for its commit; what arrives meanwhile is delivered
// together in the next one.
//
// Only the process holding the journal's JournalLease may open an Engine on it. Other
// processes reach runs through the journal's inbox (JournalClient), which the engine polls,
// and ring its doorbell (journal_bell.h) so that it polls at once.
//
// Public methods are thread-safe. The progress callback runs on the engine thread and must
// not block.
#ifndef WEFT_RUNTIME_EMBEDDED_ENGINE_H_
#define WEFT_RUNTIME_EMBEDDED_ENGINE_H_

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "dsl/definition.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/embedded/journal.h"
#include "runtime/run/clock.h"

namespace weft::embedded {

struct EngineCore;

// What the CLI shows while a run executes.
struct ProgressEvent {
  enum class Kind {
    kRunStarted,
    kActivityStarted,
    kActivityRetrying,
    kActivityCompleted,
    kActivityFailed,
    kTimerStarted,
    kRunClosed,
  };
  Kind kind = Kind::kRunStarted;
  std::string run_id;
  std::string workflow_id;
  std::string workflow_type;  // the run's definition
  std::string step_path;      // "/steps/2" for activities
  std::string step;           // "charge_payment", "resize[3]": the step as a person reads it
  std::string activity_type;  // for activities
  std::int32_t attempt = 0;
  std::int64_t elapsed_ms = 0;  // of the attempt, or the timer's duration
  std::string message;          // the failure, the closing status
};

struct EngineOptions {
  std::filesystem::path journal_path;
  const activity::ActivityRegistry* registry = nullptr;  // required; outlives the engine
  // The definition a child workflow (or a continue-as-new to another type) starts with; null
  // when there is none. Runs already started never come here: they are pinned.
  // `version`: the one a `workflow` step asks for; absent: the newest.
  std::function<std::shared_ptr<const dsl::Definition>(std::string_view name,
                                                       std::optional<std::int64_t> version)>
      find_definition;
  int activity_threads = 8;
  std::chrono::milliseconds inbox_poll{20};
  bool synchronous_full = true;
  std::function<void(const ProgressEvent&)> on_progress;
  // A run whose journal holds this many activations is told that continuing as new is
  // suggested (Activation::continue_as_new_suggested).
  std::int64_t suggest_continue_as_new_after = 10000;
  // How many runs that only wait (on timers, signals or conditions) keep their interpreter in
  // memory, the most recently active; the others are parked, a few hundred bytes each, and
  // rebuilt from the journal when something reaches them (run_parking.h). 0 parks each such
  // run as soon as it waits.
  std::size_t resident_waiting_runs = 1000;
  // How many outcomes of runs this engine closed it keeps for WaitForRun beyond those whose
  // close is not yet durable; WaitForRun reads older ones from the journal.
  std::size_t closed_outcomes_kept = 10000;
  // Workflow time: timers, activity timeouts, heartbeats, the run's `timeout`, and the time
  // journaled with each activation. Null: the wall clock. Tests give a run::ManualClock and
  // advance it (or let it skip to the next deadline whenever the engine is idle); it must
  // outlive the engine.
  run::Clock* clock = nullptr;
};

struct RunOutcome {
  std::string run_id;  // the run that closed: the last of a continue-as-new chain
  RunStatus status = RunStatus::kCompleted;
  nlohmann::json result;
  nlohmann::json failure;  // run::FailureToJson
};

class Engine {
 public:
  struct Stats {
    std::uint64_t transactions = 0;  // journal commits, one fsync each
    std::uint64_t batches = 0;       // engine steps journaled
    std::uint64_t activations = 0;   // activations journaled
    std::uint64_t replayed_runs = 0;
    std::uint64_t parked_runs = 0;      // open runs held parked now
    std::uint64_t woken_runs = 0;       // parked runs rebuilt to go on
    std::uint64_t closed_outcomes = 0;  // outcomes of closed runs kept in memory
  };

  // Opens the journal and takes on every unfinished run: the runs that only wait are held
  // parked, the others rebuilt from the journal (replay); a parked run is rebuilt when
  // something reaches it. A run whose replay does not reproduce its journal is marked failed
  // with a non-determinism failure (a parked one when it is rebuilt); the others go on. The
  // caller must hold the JournalLease.
  static std::expected<std::unique_ptr<Engine>, std::string> Open(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Starts a run of `definition` with `input` (already checked against its schema). An empty
  // workflow id gets "<name>-<8 hex>". Returns the run id.
  std::string StartRun(std::shared_ptr<const dsl::Definition> definition, nlohmann::json input,
                       std::string workflow_id = "");

  // Waits until `run_id` closes, following continue-as-new to the run that finally closes.
  // nullopt on timeout or when the journal does not know the run.
  std::optional<RunOutcome> WaitForRun(const std::string& run_id,
                                       std::chrono::milliseconds timeout);
  // The same without a thread that waits, for the doorbell, which answers every client from
  // one: the outcome when the run's chain has closed; else, when it is open, a watch whose
  // `woken` is called each time it may have closed (or the engine stops), on an engine thread
  // holding the engine's lock (so it must only take note and return), until UnwatchRun. The
  // caller then unwatches and watches again: a run that continued as new is watched at its
  // successor. Neither: the journal does not know the run, or the engine failed.
  struct RunWatch {
    std::optional<RunOutcome> outcome;
    std::uint64_t token = 0;  // nonzero: watching
  };
  RunWatch WatchRun(const std::string& run_id, std::function<void()> woken);
  void UnwatchRun(std::uint64_t token);
  // Waits until no run is open; false on timeout.
  bool WaitUntilIdle(std::chrono::milliseconds timeout);
  std::size_t OpenRuns() const;

  // Why the engine stopped by itself: a journal write failed, and it executes nothing more
  // (its host should stop, saying so, and let the lease go). None while it works. The waits
  // above return as soon as this happens.
  std::optional<std::string> Failure() const;

  Stats stats() const;

  // Reads the journal's inbox and the runs other processes created now, rather than at the
  // next poll (EngineOptions::inbox_poll): another process has just written there.
  void PollInboxNow();

  // Stops the engine thread, the activity pool and the writer (what is queued is committed).
  // Open runs stay in the journal for the next engine.
  void Stop();

 private:
  explicit Engine(std::unique_ptr<EngineCore> core);
  std::unique_ptr<EngineCore> core_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_ENGINE_H_
