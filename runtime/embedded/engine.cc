#include "runtime/embedded/engine.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/embedded/command_carrier.h"
#include "runtime/embedded/engine_core.h"
#include "runtime/embedded/inbox.h"
#include "runtime/embedded/journal_codec.h"
#include "runtime/embedded/recovery.h"
#include "runtime/embedded/run_closing.h"
#include "runtime/embedded/run_parking.h"
#include "runtime/run/command_handler.h"
#include "runtime/run/random_id.h"
#include "runtime/trace/command_trace.h"

namespace weft::embedded {
namespace {

namespace ij = interpreter;
using nlohmann::json;

// The run's next activation: every pending job, journaled together with the commands the
// interpreter answers and their writes, in one batch.
void Activate(EngineCore& core, Run& run) {
  const std::int64_t now = core.Now();
  std::vector<ij::Job> jobs;
  JournalBatch batch;
  jobs.reserve(run.pending.size());
  for (PendingJob& pending : run.pending) {
    jobs.push_back(std::move(pending.job));
    for (JournalWrite& consumed : pending.consume) batch.push_back(std::move(consumed));
  }
  run.pending.clear();
  run.pending.shrink_to_fit();
  const bool first = run.activation_seq == 0;
  const bool suggest = run.activation_seq >= core.options.suggest_continue_as_new_after;
  json jobs_json = JobsToJson(jobs);
  std::vector<ij::Command> commands =
      run.instance->Activate(ij::Activation{.now_unix_ms = now,
                                            .is_replaying = false,
                                            .continue_as_new_suggested = suggest,
                                            .jobs = std::move(jobs)});
  run.activation_seq += 1;
  core.activations.fetch_add(1, std::memory_order_relaxed);
  batch.push_back(write::AppendActivation{.run_id = run.record.run_id,
                                          .seq = run.activation_seq,
                                          .now_ms = now,
                                          .continue_as_new_suggested = suggest,
                                          .jobs = std::move(jobs_json),
                                          .commands = JournaledCommands(commands)});
  if (first) {
    run.started_ms = now;
    batch.push_back(
        write::SetRunStatus{.run_id = run.record.run_id, .status = RunStatus::kRunning});
    if (const auto& timeout = run.definition->timeout) {
      core.deadlines.Push({.at_ms = now + timeout->count(),
                           .kind = Deadline::Kind::kRunTimeout,
                           .run_id = run.record.run_id});
    }
    core.Progress({.kind = ProgressEvent::Kind::kRunStarted,
                   .run_id = run.record.run_id,
                   .workflow_id = run.record.workflow_id,
                   .workflow_type = run.record.name});
  }
  trace::RecordCommands(run.record.workflow_id, commands);
  CommandCarrier carrier(core, run, now, batch);
  for (const ij::Command& command : commands) run::Dispatch(command, carrier);
  run.committing = true;
  core.Submit(std::move(batch), run.record.run_id);
}

// Queries wait until the run has started; they are answered between activations.
void AnswerQueries(EngineCore& core, Run& run) {
  if (run.queries.empty() || run.activation_seq == 0) return;
  JournalBatch batch;
  AnswerInboxQueries(core, *run.instance, run.queries, batch);
  run.queries.clear();
  core.Submit(std::move(batch), "");
}

void OnCommitted(EngineCore& core, event::Committed& committed) {
  if (!committed.result) {
    spdlog::critical("journal: {}; the engine stops so that nothing runs unrecorded",
                     committed.result.error());
    {
      std::lock_guard lock(core.mutex);
      core.fatal_reason = "the journal could not be written (" + committed.result.error() +
                          "); the engine stopped so that nothing runs unrecorded";
      core.fatal.store(true);
      // Whoever waits on a run or for idleness hears it now, not at its timeout.
      core.waiters.WakeAll();
    }
    core.idle_signal.notify_all();
    return;
  }
  if (!committed.tokens.empty()) core.NoteCommittedThrough(committed.tokens.back());
  for (std::uint64_t token : committed.tokens) {
    auto owner = core.batch_owner.find(token);
    if (owner == core.batch_owner.end()) continue;
    const std::string run_id = std::move(owner->second);
    core.batch_owner.erase(owner);
    auto found = core.runs.find(run_id);
    if (found == core.runs.end()) continue;
    Run& run = *found->second;
    run.committing = false;
    if (run.closing) {
      FinishClosed(core, run);
      continue;
    }
    for (std::uint32_t seq : run.arm_after_commit) core.attempts.Arm(run, seq);
    run.arm_after_commit.clear();
    if (!run.pending.empty() || run.terminate_requested || run.timed_out) core.MarkReady(run_id);
    NoteWaiting(core, run);
  }
}

void OnDeadline(EngineCore& core, const Deadline& deadline, std::int64_t now) {
  if (!core.runs.contains(deadline.run_id) && !DeadlineWakes(core, deadline)) return;
  Run* found = WakeRun(core, deadline.run_id);
  if (found == nullptr) return;
  Run& run = *found;
  if (run.closing) return;
  switch (deadline.kind) {
    case Deadline::Kind::kTimer: {
      auto timer = run.timers.find(deadline.seq);
      if (timer == run.timers.end() || timer->second != deadline.at_ms) return;
      run.timers.erase(timer);
      run.pending.push_back(
          {.job = ij::FireTimer{.seq = deadline.seq},
           .consume = {write::DeleteOperation{run.record.run_id, std::string(operation::kTimer),
                                              deadline.seq}}});
      core.MarkReady(run.record.run_id);
      return;
    }
    case Deadline::Kind::kRunTimeout:
      run.timed_out = true;
      core.MarkReady(run.record.run_id);
      return;
    case Deadline::Kind::kActivityDue:
    case Deadline::Kind::kAttemptCheck:
    case Deadline::Kind::kScheduleToClose:
      core.attempts.OnDeadline(run, deadline, now);
      return;
  }
}

// Nothing is in flight: no activation waits for its commit or its jobs, no attempt runs. Only
// then may a virtual clock jump to the next deadline.
bool Idle(const EngineCore& core) {
  if (!core.ready.empty()) return false;
  for (const auto& [id, run] : core.runs) {
    if (run->committing || !run->pending.empty()) return false;
    for (const auto& [seq, task] : run->activities) {
      if (task.current || !task.armed) return false;
    }
  }
  return true;
}

void Loop(EngineCore& core) {
  while (true) {
    std::deque<Event> taken;
    {
      std::unique_lock lock(core.mutex);
      if (core.stopping) return;
      taken.swap(core.events);
      core.clock_moved = false;
      if (core.poll_now) core.next_poll = std::chrono::steady_clock::time_point{};
      core.poll_now = false;
    }
    if (core.fatal.load()) {
      std::unique_lock lock(core.mutex);
      core.wake.wait(lock, [&core] { return core.stopping; });
      return;
    }
    for (Event& e : taken) {
      if (auto* committed = std::get_if<event::Committed>(&e)) {
        OnCommitted(core, *committed);
      } else if (auto* finished = std::get_if<AttemptFinished>(&e)) {
        if (auto run = core.runs.find(finished->run_id); run != core.runs.end()) {
          core.attempts.OnFinished(*run->second, *finished);
        }
      } else if (auto* start = std::get_if<event::StartRequest>(&e)) {
        core.Submit(JournalBatch{core.NewRunRow(start->record, *start->definition)}, "");
        core.PushStart(*core.AddRun(std::move(start->record), std::move(start->definition), ""));
      }
    }
    // Idle() looks at every run: only for a clock that would act on it (tests' virtual time),
    // never on the wall clock, with which 100,000 waiting runs made each wake-up cost ms.
    if (auto next = core.deadlines.NextAt();
        next && *next > core.Now() && taken.empty() && core.clock.SkipsWhenIdle() && Idle(core)) {
      core.clock.Idle(*next);
    }
    const std::int64_t now = core.Now();
    while (auto due = core.deadlines.PopDue(now)) OnDeadline(core, *due, now);
    const auto real_now = std::chrono::steady_clock::now();
    if (real_now >= core.next_poll) {
      PollInbox(core, false);
      core.next_poll = real_now + core.options.inbox_poll;
    }
    std::vector<std::string> work;
    work.swap(core.ready);
    core.ready_set.clear();
    for (const std::string& run_id : work) {
      auto found = core.runs.find(run_id);
      if (found == core.runs.end()) continue;
      Run& run = *found->second;
      AnswerQueries(core, run);
      if (run.committing || run.closing) continue;
      if (run.terminate_requested) {
        TerminateRun(core, run);
      } else if (run.timed_out) {
        TimeOutRun(core, run);
      } else if (!run.pending.empty()) {
        Activate(core, run);
      }
      AnswerQueries(core, run);
      NoteWaiting(core, run);
    }
    ParkBeyondLimit(core);
    core.SendSubmitted();
    auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(
        core.next_poll - std::chrono::steady_clock::now());
    if (auto next = core.deadlines.NextAt())
      delay = std::min(delay, core.clock.RealDelayUntil(*next));
    std::unique_lock lock(core.mutex);
    if (!core.events.empty() || core.stopping || !core.ready.empty() || core.clock_moved ||
        core.poll_now) {
      continue;
    }
    core.wake.wait_for(lock, std::max(delay, std::chrono::milliseconds(0)), [&core] {
      return core.stopping || !core.events.empty() || core.clock_moved || core.poll_now;
    });
  }
}

}  // namespace

Engine::Engine(std::unique_ptr<EngineCore> core) : core_(std::move(core)) {}

Engine::~Engine() { Stop(); }

std::expected<std::unique_ptr<Engine>, std::string> Engine::Open(EngineOptions options) {
  if (options.registry == nullptr) return std::unexpected("the engine needs an activity registry");
  auto core = std::make_unique<EngineCore>(std::move(options));
  const JournalOptions journal_options{.synchronous_full = core->options.synchronous_full};
  auto reader = Journal::Open(core->options.journal_path, journal_options);
  if (!reader) return std::unexpected(reader.error());
  auto writer_journal = Journal::Open(core->options.journal_path, journal_options);
  if (!writer_journal) return std::unexpected(writer_journal.error());
  core->reader = std::move(*reader);
  EngineCore* raw = core.get();
  core->writer = std::make_unique<GroupCommit>(
      std::move(*writer_journal),
      [raw](std::vector<std::uint64_t> tokens, const std::expected<void, std::string>& result) {
        raw->Post(event::Committed{std::move(tokens), result});
      });
  core->pool = std::make_unique<activity::ActivityPool>(core->options.activity_threads);
  core->clock_listener = core->clock.OnAdvance([raw] {
    {
      std::lock_guard lock(raw->mutex);
      raw->clock_moved = true;
    }
    raw->wake.notify_one();
  });
  if (auto recovered = Recover(*core); !recovered) {
    core->clock.RemoveListener(core->clock_listener);
    return std::unexpected(recovered.error());
  }
  // Inbox rows already consumed by a previous engine were deleted with their delivery; all
  // that remain are new to this one.
  PollInbox(*core, true);
  core->SendSubmitted();
  core->next_poll = std::chrono::steady_clock::now() + core->options.inbox_poll;
  std::unique_ptr<Engine> engine(new Engine(std::move(core)));
  engine->core_->thread = std::thread([raw] {
    pthread_setname_np(pthread_self(), "weft-engine");  // for top -H and the benchmark
    Loop(*raw);
  });
  return engine;
}

std::string Engine::StartRun(std::shared_ptr<const dsl::Definition> definition, json input,
                             std::string workflow_id) {
  RunRecord record{.run_id = run::NewTimeOrderedUuid(),
                   .workflow_id = std::move(workflow_id),
                   .name = definition->name,
                   .pin = interpreter::PinIdentity(*definition),
                   .input = std::move(input),
                   .created_ms = core_->Now()};
  if (record.workflow_id.empty()) record.workflow_id = definition->name + "-" + run::NewShortId();
  const std::string run_id = record.run_id;
  {
    std::lock_guard lock(core_->mutex);
    core_->open_run_ids.insert(run_id);
  }
  core_->Post(event::StartRequest{std::move(definition), std::move(record)});
  return run_id;
}

namespace {

// Where a run's chain stands, holding `lock` (released while the waiters' journal connection
// opens): its outcome once its last run closed, else the id of its open run; neither when the
// journal does not know the run or the engine failed.
struct RunStanding {
  std::optional<RunOutcome> outcome;
  std::string open_run_id;
};

RunStanding Standing(EngineCore& core, std::unique_lock<std::mutex>& lock, std::string current) {
  while (true) {
    auto next = core.successors.find(current);
    if (next != core.successors.end()) {
      current = next->second;
      continue;
    }
    auto closed = core.closed.find(current);
    if (closed != core.closed.end()) return {.outcome = closed->second};
    if (!core.open_run_ids.contains(current)) {
      // Closed before this engine started, or unknown: the journal says.
      if (!core.waiter_journal) {
        // Opened on first need, not with the engine: most waits are for runs the engine holds,
        // and a one-shot `weft run` would pay for a connection it never uses. Opened without
        // the lock, which the engine thread takes at every turn.
        lock.unlock();
        auto opened = Journal::Open(core.options.journal_path,
                                    {.synchronous_full = core.options.synchronous_full});
        lock.lock();
        if (!opened) {
          spdlog::warn("journal: {}", opened.error());
          return {};
        }
        if (!core.waiter_journal) core.waiter_journal = std::move(*opened);
        continue;
      }
      auto record = core.waiter_journal->FindRun(current, PinRead::kIdentity);
      if (!record || !*record) return {};
      if ((*record)->status == RunStatus::kContinuedAsNew) {
        current = (*record)->continued_to;
        continue;
      }
      if (IsClosed((*record)->status)) {
        return {.outcome = RunOutcome{.run_id = current,
                                      .status = (*record)->status,
                                      .result = (*record)->result,
                                      .failure = (*record)->failure}};
      }
      // Written by another process and not taken on yet: waited for as one this engine runs.
    }
    if (core.fatal.load()) return {};
    return {.open_run_id = current};
  }
}

}  // namespace

std::optional<RunOutcome> Engine::WaitForRun(const std::string& run_id,
                                             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(core_->mutex);
  std::string current = run_id;
  while (true) {
    RunStanding standing = Standing(*core_, lock, current);
    if (standing.outcome || standing.open_run_id.empty()) return standing.outcome;
    current = std::move(standing.open_run_id);
    if (!core_->waiters.Wait(lock, current, deadline)) return std::nullopt;
  }
}

Engine::RunWatch Engine::WatchRun(const std::string& run_id, std::function<void()> woken) {
  std::unique_lock lock(core_->mutex);
  RunStanding standing = Standing(*core_, lock, run_id);
  if (standing.outcome || standing.open_run_id.empty()) return {.outcome = standing.outcome};
  // Under the same lock as the look: a close after it wakes the watch.
  return {.token = core_->waiters.Watch(standing.open_run_id, std::move(woken))};
}

void Engine::UnwatchRun(std::uint64_t token) {
  std::lock_guard lock(core_->mutex);
  core_->waiters.Unwatch(token);
}

std::optional<std::string> Engine::Failure() const {
  if (!core_->fatal.load()) return std::nullopt;
  std::lock_guard lock(core_->mutex);
  return core_->fatal_reason;
}

bool Engine::WaitUntilIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(core_->mutex);
  return core_->idle_signal.wait_for(
      lock, timeout, [this] { return core_->open_run_ids.empty() || core_->fatal.load(); });
}

void Engine::PollInboxNow() {
  {
    std::lock_guard lock(core_->mutex);
    core_->poll_now = true;
  }
  core_->wake.notify_one();
}

std::size_t Engine::OpenRuns() const {
  std::lock_guard lock(core_->mutex);
  return core_->open_run_ids.size();
}

namespace {

std::uint64_t ClosedOutcomes(EngineCore& core) {
  std::lock_guard lock(core.mutex);
  return core.closed.size();
}

}  // namespace

Engine::Stats Engine::stats() const {
  auto writer = core_->writer ? core_->writer->stats() : GroupCommit::Stats{};
  return {.transactions = writer.transactions,
          .batches = writer.batches,
          .activations = core_->activations.load(),
          .replayed_runs = core_->replayed_runs.load(),
          .parked_runs = core_->parked_runs.load(),
          .woken_runs = core_->woken_runs.load(),
          .closed_outcomes = ClosedOutcomes(*core_)};
}

void Engine::Stop() {
  if (!core_ || !core_->thread.joinable()) return;
  {
    std::lock_guard lock(core_->mutex);
    core_->stopping = true;
  }
  core_->wake.notify_all();
  core_->thread.join();
  core_->clock.RemoveListener(core_->clock_listener);
  core_->mailbox->Close();
  core_->pool.reset();
  core_->writer.reset();
  std::lock_guard lock(core_->mutex);
  core_->waiters.WakeAll();
  core_->idle_signal.notify_all();
}

}  // namespace weft::embedded
