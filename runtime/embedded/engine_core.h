// EngineCore: the state of one embedded engine and the small operations every part of it
// uses (journal a batch, wake a run, add or remove a run). The engine's concerns live beside
// it, each in its own file, and all act on this core: activity attempts (activity_attempt.h),
// command carrying (command_carrier.h), children and closing (run_closing.h), the inbox
// (inbox.h) and recovery (recovery.h); engine.cc keeps the loop.
//
// Ownership and threads. Three kinds of thread touch the core:
//   - the engine thread owns every Run and everything marked "engine thread" below;
//   - callers of the public Engine API and the group-commit and pool threads (through Post)
//     use only what is marked "guarded by mutex";
//   - pool threads also use an Attempt's atomics (activity_attempt.h).
// Nothing else is shared.
#ifndef WEFT_RUNTIME_EMBEDDED_ENGINE_CORE_H_
#define WEFT_RUNTIME_EMBEDDED_ENGINE_CORE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "runtime/activity/activity_pool.h"
#include "runtime/embedded/activity_attempt.h"
#include "runtime/embedded/deadline_queue.h"
#include "runtime/embedded/engine.h"
#include "runtime/embedded/group_commit.h"
#include "runtime/embedded/journal.h"
#include "runtime/embedded/run_state.h"
#include "runtime/embedded/run_waiters.h"
#include "runtime/interpreter/definition_pin.h"
#include "runtime/interpreter/pinned_definitions.h"
#include "runtime/run/clock.h"

namespace weft::embedded {

// What wakes the engine thread.
namespace event {
struct Committed {
  std::vector<std::uint64_t> tokens;
  std::expected<void, std::string> result;
};
struct StartRequest {
  std::shared_ptr<const dsl::Definition> definition;
  RunRecord record;
};
}  // namespace event
using Event = std::variant<event::Committed, AttemptFinished, event::StartRequest>;

struct EngineCore;

// Where pool threads report their attempts. Shared with them, so it outlives the engine: an
// abandoned thread whose call returns after the engine stopped finds it closed.
class AttemptMailbox {
 public:
  explicit AttemptMailbox(EngineCore* core) : core_(core) {}
  void Post(AttemptFinished finished);
  void Close();

 private:
  std::mutex mutex_;
  EngineCore* core_;  // guarded by mutex_; null once closed
};

struct EngineCore {
  explicit EngineCore(EngineOptions engine_options);

  const EngineOptions options;
  run::Clock& clock;  // options.clock, or the wall clock

  // Set by Engine::Open before the engine thread starts; torn down by Engine::Stop after it
  // ends.
  std::unique_ptr<Journal> reader;  // engine thread
  std::unique_ptr<GroupCommit> writer;
  std::vector<GroupCommit::Queued> unsent;  // this turn's batches (Submit, SendSubmitted)
  std::unique_ptr<activity::ActivityPool> pool;
  std::shared_ptr<AttemptMailbox> mailbox = std::make_shared<AttemptMailbox>(this);

  // ---- shared ----
  mutable std::mutex mutex;
  std::condition_variable wake;  // the engine thread waits on it
  std::deque<Event> events;      // guarded by mutex
  bool stopping = false;         // guarded by mutex
  bool clock_moved = false;      // guarded by mutex
  bool poll_now = false;         // guarded by mutex: Engine::PollInboxNow
  // Outcomes of runs closed by this engine, for WaitForRun (RememberClosed); older ones are
  // read from the journal.
  std::map<std::string, RunOutcome> closed;  // guarded by mutex; by run id
  // closed's entries, oldest first, each with the token of the batch that made its close
  // durable (0: durable already).
  std::deque<std::pair<std::uint64_t, std::string>> closed_order;  // guarded by mutex
  std::map<std::string, std::string> successors;  // guarded by mutex; run -> its continuation
  std::set<std::string> open_run_ids;             // guarded by mutex
  RunWaiters waiters;                             // guarded by mutex: WaitForRun's, by run
  std::condition_variable idle_signal;            // WaitUntilIdle's: open_run_ids emptied
  std::unique_ptr<Journal> waiter_journal;        // guarded by mutex: WaitForRun's look-ups;
                                                  // opened by the first that needs it
  interpreter::PinTexts pin_texts;                // guarded by mutex
  std::atomic<std::uint64_t> activations{0};
  std::atomic<std::uint64_t> replayed_runs{0};
  std::atomic<std::uint64_t> parked_runs{0};  // held parked now (run_parking.h)
  std::atomic<std::uint64_t> woken_runs{0};   // parked runs rebuilt since the engine opened
  std::atomic<bool> fatal{false};             // a journal write failed: nothing more may happen
  std::string fatal_reason;                   // why, under `mutex`

  // ---- engine thread ----
  // Every open run is either resident (`runs`) or parked (`parked`, run_parking.h); the maps
  // below and open_run_ids count both.
  std::unordered_map<std::string, std::unique_ptr<Run>> runs;
  std::unordered_map<std::string, ParkedRun> parked;
  std::list<std::string> waiting_runs;  // resident runs that only wait, the longest waiting first
  // Definitions loaded from pins, shared by every run of one (a restart would otherwise give
  // each run a copy of its own).
  interpreter::PinnedDefinitions pinned_definitions;
  std::unordered_map<std::string, std::string> open_by_workflow_id;
  DeadlineQueue deadlines;
  std::unordered_map<std::uint64_t, std::string> batch_owner;  // batch token -> run id
  std::vector<std::string> ready;  // runs with something to do, in the order they got it
  std::set<std::string> ready_set;
  std::uint64_t next_token = 1;
  std::uint64_t committed_through = 0;  // guarded by mutex: NoteCommittedThrough
  std::int64_t last_inbox_id = 0;
  std::int64_t last_data_version = -1;
  std::chrono::steady_clock::time_point next_poll;  // the inbox is polled in real time
  ActivityAttempts attempts{*this};
  std::thread thread;
  int clock_listener = 0;

  std::int64_t Now() const { return clock.NowMs(); }
  // The run is open here, resident or parked.
  bool Holds(const std::string& run_id) const {
    return runs.contains(run_id) || parked.contains(run_id);
  }

  // Any thread.
  void Post(Event e);

  // Engine thread, all of what follows.
  void Progress(const ProgressEvent& e) const;
  // The run has something to do: it is no longer only waiting (run_parking.h).
  void MarkReady(const std::string& run_id);
  // Journals `batch`; when it commits, `owner` (a run id, or empty) hears of it. Held until
  // SendSubmitted, which the loop calls once per turn. Returns the batch's token.
  std::uint64_t Submit(JournalBatch batch, const std::string& owner);
  // Hands the batches of this turn to the writer at once: a new run's row and its first
  // activation, or the steps of many runs, then share one transaction (one fsync) instead of
  // racing the writer's wake-up, and the writer is woken once a turn, not once a batch.
  void SendSubmitted();
  // Keeps a closed run's outcome (and its continuation) for WaitForRun, wakes its waiters, and
  // forgets the oldest outcomes beyond options.closed_outcomes_kept whose close is durable: a
  // long-lived `weft serve` closes millions of runs, and the journal answers for them as well.
  // `durable_after`: the token of the batch that records the close, 0 when it is committed.
  // Holds `mutex`.
  void RememberClosed(RunOutcome outcome, const std::string& continued_to,
                      std::uint64_t durable_after);
  // Every batch up to `token` is committed (they commit in the order of their tokens).
  void NoteCommittedThrough(std::uint64_t token);
  // A new run's row, sharing its definition's pin text.
  write::InsertRun NewRunRow(const RunRecord& record, const dsl::Definition& definition);
  Run* AddRun(RunRecord record, std::shared_ptr<const dsl::Definition> definition,
              std::string first_run_id);
  void RemoveRun(std::string run_id);  // a copy: the caller's may live in the run
  // Queues the run's StartWorkflow as its first job.
  void PushStart(Run& run);
  // Journals a resolution decided now and queues it for the next activation; a restart before
  // that delivers it from the journal.
  void Deliver(Run& run, std::string_view kind, std::uint32_t seq, interpreter::Job job,
               JournalBatch& batch);
  // The answer to an inbox request (a query, an update), journaled with `batch`; ids that are
  // not inbox rows (updates from a dry run's script) are ignored.
  void Reply(const std::string& id, weft::embedded::Reply reply, JournalBatch& batch);
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_ENGINE_CORE_H_
