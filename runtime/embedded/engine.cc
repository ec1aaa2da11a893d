#include "runtime/embedded/engine.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <queue>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/activity/activity_context.h"
#include "runtime/embedded/activity_pool.h"
#include "runtime/embedded/activity_retry.h"
#include "runtime/embedded/group_commit.h"
#include "runtime/embedded/journal_codec.h"
#include "runtime/interpreter/definition_pin.h"
#include "runtime/interpreter/workflow_instance.h"
#include "runtime/trace/command_trace.h"

namespace weft::embedded {
namespace {

using interpreter::Failure;
using nlohmann::json;
namespace ij = interpreter;

std::int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// FNV-1a: the run's random seed derives from its id, so that replay sees the same uuid() and
// random() values. It is journaled in the StartWorkflow job as well.
std::uint64_t SeedFromRunId(std::string_view run_id) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : run_id) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string ShortId() { return NewRunId().substr(0, 8); }

Failure PlainFailure(std::string type, std::string message) {
  Failure failure;
  failure.type = std::move(type);
  failure.message = std::move(message);
  return failure;
}

// Operation kinds in the journal.
constexpr std::string_view kActivityOp = "activity";
constexpr std::string_view kTimerOp = "timer";
constexpr std::string_view kChildOp = "child";
// A resolution already decided but not yet delivered; the job is the data.
constexpr std::string_view kDeliverActivityOp = "deliver_activity";
constexpr std::string_view kDeliverChildStartOp = "deliver_child_start";
constexpr std::string_view kDeliverChildOp = "deliver_child";
constexpr std::string_view kDeliverSignalOp = "deliver_signal";

bool IsDeliverOp(std::string_view kind) { return kind.starts_with("deliver_"); }

// What a run keeps of its pin in memory: the whole pin (the canonical definition) is in the
// journal and the run holds the Definition itself; a copy per run would be most of a waiting
// run's memory.
json PinIdentity(const std::shared_ptr<const dsl::Definition>& definition) {
  return {
      {"name", definition->name}, {"version", definition->version}, {"sha256", definition->sha256}};
}

}  // namespace

std::string NewRunId() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  const std::uint64_t high = generator();
  const std::uint64_t low = generator();
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xffffffffffffull));
  return text;
}

// One activity attempt, shared with the pool thread that runs it.
struct Attempt {
  explicit Attempt(activity::ActivityInfo info) : context(std::move(info)) {}
  std::uint64_t token = 0;
  std::int64_t queued_ms = 0;
  std::atomic<std::int64_t> started_ms{0};
  std::atomic<std::int64_t> heartbeat_ms{0};
  activity::LocalActivityContext context;
};

struct ActivityTask {
  ij::ScheduleActivity spec;
  std::int32_t attempt = 1;
  std::int64_t scheduled_ms = 0;
  std::int64_t due_ms = 0;
  json heartbeat_details;
  bool armed = false;                // its ScheduleActivity is committed: attempts may run
  std::shared_ptr<Attempt> current;  // queued or running; null between attempts
};

struct PendingJob {
  ij::Job job;
  std::vector<JournalWrite> consume;  // what delivering it removes from the journal
};

struct ChildLink {
  std::string run_id;
  std::string policy;
};

struct Run {
  RunRecord record;
  std::shared_ptr<const dsl::Definition> definition;
  std::unique_ptr<ij::WorkflowInstance> instance;
  std::int64_t activation_seq = 0;
  std::vector<PendingJob> pending;  // a vector: an empty deque still allocates
  std::vector<InboxItem> queries;
  bool committing = false;
  bool closing = false;  // its close is journaled or being journaled
  bool terminate_requested = false;
  std::string terminate_reason;
  std::vector<std::uint32_t> dispatch_after_commit;
  std::map<std::uint32_t, ActivityTask> activities;
  std::map<std::uint32_t, std::int64_t> timers;
  std::map<std::uint32_t, ChildLink> children;
  std::int64_t started_ms = 0;
};

// What wakes the engine thread.
namespace event {
struct Committed {
  std::vector<std::uint64_t> tokens;
  std::expected<void, std::string> result;
};
struct AttemptFinished {
  std::string run_id;
  std::uint32_t seq;
  std::uint64_t token;
  activity::ActivityResult result;
  std::optional<TimeoutType> timeout;
};
struct StartRequest {
  std::shared_ptr<const dsl::Definition> definition;
  RunRecord record;
};
}  // namespace event
using Event = std::variant<event::Committed, event::AttemptFinished, event::StartRequest>;

// A deadline in the engine's heap; stale entries are recognised and dropped when popped.
struct Deadline {
  enum class Kind { kTimer, kActivityDue, kAttemptCheck, kScheduleToClose };
  std::int64_t at_ms;
  Kind kind;
  std::string run_id;
  std::uint32_t seq;
  std::uint64_t token;
  bool operator>(const Deadline& other) const { return at_ms > other.at_ms; }
};

struct Engine::State {
  EngineOptions options;
  std::unique_ptr<Journal> reader;  // engine thread only
  std::unique_ptr<GroupCommit> writer;
  std::unique_ptr<ActivityPool> pool;

  // Shared with other threads.
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<Event> events;
  bool stopping = false;
  std::map<std::string, RunOutcome> closed;       // by run id
  std::map<std::string, std::string> successors;  // run id -> the run it continued as
  std::set<std::string> open_run_ids;
  std::condition_variable closed_signal;
  std::atomic<std::uint64_t> activations{0};
  std::uint64_t replayed_runs = 0;
  std::unique_ptr<Journal> waiter_journal;  // WaitForRun's look-ups, under mutex
  // Each definition's pin as JSON text, by sha256: built once, shared by every run's InsertRun.
  std::map<std::string, std::shared_ptr<const std::string>> pin_texts;

  std::shared_ptr<const std::string> PinText(const dsl::Definition& definition) {
    std::lock_guard lock(mutex);
    auto cached = pin_texts.find(definition.sha256);
    if (cached == pin_texts.end()) {
      cached =
          pin_texts
              .emplace(definition.sha256,
                       std::make_shared<const std::string>(ij::DefinitionPin(definition).dump()))
              .first;
    }
    return cached->second;
  }

  // A new run's row, sharing its definition's pin text.
  write::InsertRun NewRunRow(const RunRecord& record, const dsl::Definition& definition) {
    return write::InsertRun{.run = record, .pin_text = PinText(definition)};
  }

  // Engine thread only.
  std::unordered_map<std::string, std::unique_ptr<Run>> runs;
  std::unordered_map<std::string, std::string> open_by_workflow_id;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines;
  std::unordered_map<std::uint64_t, std::string> batch_owner;  // token -> run id
  std::vector<std::string> ready;
  std::set<std::string> ready_set;
  std::uint64_t next_token = 1;
  std::int64_t last_inbox_id = 0;
  std::int64_t last_data_version = -1;
  std::int64_t next_poll_ms = 0;
  std::atomic<std::int64_t> clock_offset_ms{0};  // time skipping
  std::set<std::int64_t> inbox_seen;
  std::thread thread;
  std::atomic<bool> fatal{false};

  std::int64_t Now() const { return WallClockMs() + clock_offset_ms; }

  void Post(Event e) {
    {
      std::lock_guard lock(mutex);
      events.push_back(std::move(e));
    }
    wake.notify_one();
  }

  void Progress(ProgressEvent e) {
    if (options.on_progress) options.on_progress(e);
  }

  void MarkReady(const std::string& run_id) {
    if (ready_set.insert(run_id).second) ready.push_back(run_id);
  }

  void Submit(JournalBatch batch, const std::string& owner) {
    const std::uint64_t token = next_token++;
    if (!owner.empty()) batch_owner.emplace(token, owner);
    writer->Submit(std::move(batch), token);
  }

  // ---- building runs ----

  Run* AddRun(RunRecord record, std::shared_ptr<const dsl::Definition> definition) {
    auto run = std::make_unique<Run>();
    run->record = std::move(record);
    run->definition = std::move(definition);
    run->record.pin = PinIdentity(run->definition);
    run->instance = std::make_unique<ij::WorkflowInstance>(run->definition);
    Run* raw = run.get();
    open_by_workflow_id[raw->record.workflow_id] = raw->record.run_id;
    {
      std::lock_guard lock(mutex);
      open_run_ids.insert(raw->record.run_id);
    }
    runs.emplace(raw->record.run_id, std::move(run));
    return raw;
  }

  void PushStart(Run& run) {
    ij::StartWorkflow start;
    start.workflow_type = run.record.name;
    start.workflow_id = run.record.workflow_id;
    start.run_id = run.record.run_id;
    start.task_queue = "weft";
    start.input = run.record.input;
    start.memo = run.record.memo;
    start.search_attributes = run.record.search_attributes;
    if (!run.record.continued_from.empty()) {
      start.continued_from_run_id = run.record.continued_from;
    }
    start.random_seed = SeedFromRunId(run.record.run_id);
    start.resume = run.record.resume;
    run.pending.insert(run.pending.begin(), PendingJob{.job = std::move(start)});
    MarkReady(run.record.run_id);
  }

  // ---- recovery ----

  std::expected<void, std::string> Recover() {
    auto unfinished = reader->UnfinishedRuns();
    if (!unfinished) return std::unexpected(unfinished.error());
    for (RunRecord& record : *unfinished) {
      if (auto done = RecoverRun(std::move(record)); !done) return done;
    }
    auto inbox = reader->InboxAfter(0);
    if (!inbox) return std::unexpected(inbox.error());
    return {};
  }

  void FailUnloadable(const RunRecord& record, const std::string& message, Failure::Kind kind) {
    spdlog::error("run {} ({}): {}", record.run_id, record.name, message);
    Failure failure = PlainFailure(
        kind == Failure::Kind::kNonDeterminism ? "NonDeterminism" : "JournalError", message);
    failure.kind = kind;
    failure.non_retryable = true;
    JournalBatch batch{write::SetRunStatus{.run_id = record.run_id,
                                           .status = RunStatus::kFailed,
                                           .failure = FailureToJson(failure),
                                           .closed_ms = Now()},
                       write::DeleteRunOperations{record.run_id}};
    Submit(std::move(batch), "");
    std::lock_guard lock(mutex);
    closed[record.run_id] = RunOutcome{
        .run_id = record.run_id, .status = RunStatus::kFailed, .failure = FailureToJson(failure)};
  }

  std::expected<void, std::string> RecoverRun(RunRecord record) {
    auto definition = ij::LoadPinnedDefinition(record.pin);
    if (!definition) {
      FailUnloadable(record, "cannot load the run's pinned definition: " + definition.error(),
                     Failure::Kind::kApplication);
      return {};
    }
    auto journaled = reader->Activations(record.run_id);
    if (!journaled) return std::unexpected(journaled.error());
    auto operations = reader->Operations(record.run_id);
    if (!operations) return std::unexpected(operations.error());

    Run* run = AddRun(std::move(record), std::move(*definition));
    // The activities the run scheduled, as replay reproduces them: an outstanding activity's
    // operation row holds only its attempt state.
    std::map<std::uint32_t, ij::ScheduleActivity> scheduled;
    for (const ActivationRecord& activation : *journaled) {
      auto jobs = JobsFromJson(activation.jobs);
      std::string divergence;
      if (!jobs) {
        divergence = jobs.error();
      } else {
        auto commands = run->instance->Activate(
            ij::Activation{.now_unix_ms = activation.now_ms,
                           .is_replaying = true,
                           .continue_as_new_suggested = activation.continue_as_new_suggested,
                           .jobs = std::move(*jobs)});
        for (auto& command : commands) {
          if (auto* schedule = std::get_if<ij::ScheduleActivity>(&command)) {
            scheduled[schedule->seq] = *schedule;
          }
        }
        json replayed = JournaledCommands(commands);
        if (replayed != activation.commands) {
          divergence = "replaying activation " + std::to_string(activation.seq) + " of run " +
                       run->record.run_id +
                       " does not reproduce the journal (was the definition or the engine "
                       "changed?): the journal has " +
                       activation.commands.dump().substr(0, 400) + ", the replay produced " +
                       replayed.dump().substr(0, 400);
        }
      }
      if (!divergence.empty()) {
        RunRecord copy = run->record;
        RemoveRun(run->record.run_id);
        FailUnloadable(copy, divergence, Failure::Kind::kNonDeterminism);
        return {};
      }
      run->activation_seq = activation.seq;
    }
    run->started_ms = journaled->empty() ? Now() : journaled->front().now_ms;
    if (journaled->empty()) PushStart(*run);

    for (const OperationRecord& op : *operations) {
      const auto seq = static_cast<std::uint32_t>(op.seq);
      if (op.kind == kActivityOp) {
        auto spec = scheduled.find(seq);
        if (spec == scheduled.end()) {
          return std::unexpected("run " + run->record.run_id + " waits on activity " +
                                 std::to_string(seq) + " that its journal never scheduled");
        }
        ActivityTask task{.spec = std::move(spec->second),
                          .attempt = static_cast<std::int32_t>(op.attempt),
                          .scheduled_ms = op.data.value("scheduled_ms", op.due_ms),
                          .due_ms = op.due_ms,
                          .heartbeat_details = op.data.value("heartbeat", json()),
                          .armed = true};
        ArmActivity(*run, seq, std::move(task));
      } else if (op.kind == kTimerOp) {
        run->timers[seq] = op.due_ms;
        deadlines.push({op.due_ms, Deadline::Kind::kTimer, run->record.run_id, seq, 0});
      } else if (op.kind == kChildOp) {
        run->children[seq] = {op.data.value("child_run_id", ""), op.data.value("policy", "")};
      } else if (IsDeliverOp(op.kind)) {
        auto job = JobFromJson(op.data);
        if (!job) return std::unexpected(job.error());
        run->pending.push_back(
            {.job = std::move(*job),
             .consume = {write::DeleteOperation{run->record.run_id, op.kind, op.seq}}});
        MarkReady(run->record.run_id);
      }
    }
    ++replayed_runs;
    return {};
  }

  void RemoveRun(std::string run_id) {  // a copy: the caller's may live in the run
    auto found = runs.find(run_id);
    if (found == runs.end()) return;
    auto by_id = open_by_workflow_id.find(found->second->record.workflow_id);
    if (by_id != open_by_workflow_id.end() && by_id->second == run_id) {
      open_by_workflow_id.erase(by_id);
    }
    for (auto& [seq, task] : found->second->activities) {
      if (task.current) task.current->context.Cancel();
    }
    runs.erase(found);
    std::lock_guard lock(mutex);
    open_run_ids.erase(run_id);
  }

  // ---- activities ----

  void ArmActivity(Run& run, std::uint32_t seq, ActivityTask task) {
    const std::int64_t due = task.due_ms;
    const auto schedule_to_close = task.spec.timeouts.schedule_to_close;
    const std::int64_t scheduled = task.scheduled_ms;
    run.activities[seq] = std::move(task);
    deadlines.push({due, Deadline::Kind::kActivityDue, run.record.run_id, seq, 0});
    if (schedule_to_close) {
      deadlines.push({scheduled + schedule_to_close->count(), Deadline::Kind::kScheduleToClose,
                      run.record.run_id, seq, 0});
    }
  }

  void Dispatch(Run& run, std::uint32_t seq, ActivityTask& task) {
    activity::ActivityInfo info;
    info.activity_type = task.spec.activity_type;
    info.workflow_id = run.record.workflow_id;
    info.run_id = run.record.run_id;
    info.activity_id = task.spec.activity_id;
    info.attempt = task.attempt;
    info.scheduled_time =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(task.scheduled_ms));
    info.heartbeat_details = task.heartbeat_details;
    const std::int64_t now = Now();
    std::int64_t deadline = INT64_MAX;
    if (task.spec.timeouts.start_to_close) {
      deadline = now + task.spec.timeouts.start_to_close->count();
    }
    if (task.spec.timeouts.schedule_to_close) {
      deadline =
          std::min(deadline, task.scheduled_ms + task.spec.timeouts.schedule_to_close->count());
    }
    if (deadline != INT64_MAX) {
      info.deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline));
    }
    auto attempt = std::make_shared<Attempt>(std::move(info));
    attempt->token = next_token++;
    attempt->queued_ms = now;
    std::weak_ptr<Attempt> weak = attempt;
    attempt->context.OnHeartbeat([weak, this](const json&) {
      if (auto alive = weak.lock()) alive->heartbeat_ms.store(Now());
    });
    task.current = attempt;
    Progress({.kind = ProgressEvent::Kind::kActivityStarted,
              .run_id = run.record.run_id,
              .workflow_id = run.record.workflow_id,
              .step_path = task.spec.step_path,
              .activity_type = task.spec.activity_type,
              .attempt = task.attempt});

    const auto& timeouts = task.spec.timeouts;
    for (const auto& limit :
         {timeouts.start_to_close, timeouts.heartbeat, timeouts.schedule_to_start}) {
      if (limit) {
        deadlines.push({now + limit->count(), Deadline::Kind::kAttemptCheck, run.record.run_id, seq,
                        attempt->token});
      }
    }
    const std::optional<std::int64_t> schedule_to_start =
        timeouts.schedule_to_start ? std::optional(timeouts.schedule_to_start->count())
                                   : std::nullopt;
    pool->Submit([this, attempt, run_id = run.record.run_id, seq, input = task.spec.input,
                  type = task.spec.activity_type, schedule_to_start] {
      const std::int64_t started = Now();
      attempt->started_ms.store(started);
      if (schedule_to_start && started - attempt->queued_ms >= *schedule_to_start) {
        Post(event::AttemptFinished{run_id, seq, attempt->token,
                                    std::unexpected(activity::ActivityError::Timeout("")),
                                    TimeoutType::kScheduleToStart});
        return;
      }
      activity::ActivityResult result = options.registry->Execute(type, input, attempt->context);
      Post(event::AttemptFinished{run_id, seq, attempt->token, std::move(result), std::nullopt});
    });
  }

  void ResolveActivity(Run& run, std::uint32_t seq, ij::ActivityResolution resolution) {
    run.pending.push_back(
        {.job = ij::ResolveActivity{.seq = seq, .resolution = std::move(resolution)},
         .consume = {write::DeleteOperation{run.record.run_id, std::string(kActivityOp), seq}}});
    run.activities.erase(seq);
    MarkReady(run.record.run_id);
  }

  void AttemptFailed(Run& run, std::uint32_t seq, ActivityTask& task, AttemptFailure failure) {
    if (task.current) task.current->context.Cancel();  // abandoned: its late result is ignored
    const std::int64_t now = Now();
    const std::int64_t elapsed = task.current && task.current->started_ms.load() > 0
                                     ? now - task.current->started_ms.load()
                                     : 0;
    if (task.current) {
      json details = task.current->context.LastHeartbeat();
      if (!details.is_null()) task.heartbeat_details = std::move(details);
    }
    task.current.reset();
    RetryDecision decision = DecideRetry(task.spec, task.attempt, failure, task.scheduled_ms, now);
    const std::string message = failure.timeout
                                    ? std::string(TimeoutTypeName(*failure.timeout)) + " timeout"
                                    : failure.error.Describe();
    if (!decision.retry) {
      Progress({.kind = ProgressEvent::Kind::kActivityFailed,
                .run_id = run.record.run_id,
                .workflow_id = run.record.workflow_id,
                .step_path = task.spec.step_path,
                .activity_type = task.spec.activity_type,
                .attempt = task.attempt,
                .elapsed_ms = elapsed,
                .message = message});
      ResolveActivity(run, seq,
                      {.status = ij::ActivityResolution::Status::kFailed,
                       .failure = std::move(decision.failure)});
      return;
    }
    Progress({.kind = ProgressEvent::Kind::kActivityRetrying,
              .run_id = run.record.run_id,
              .workflow_id = run.record.workflow_id,
              .step_path = task.spec.step_path,
              .activity_type = task.spec.activity_type,
              .attempt = task.attempt,
              .elapsed_ms = elapsed,
              .message = message});
    task.attempt += 1;
    task.due_ms = decision.next_attempt_at_ms;
    deadlines.push({task.due_ms, Deadline::Kind::kActivityDue, run.record.run_id, seq, 0});
    Submit(
        JournalBatch{write::RescheduleOperation{
            .run_id = run.record.run_id,
            .kind = std::string(kActivityOp),
            .seq = seq,
            .due_ms = task.due_ms,
            .attempt = task.attempt,
            .data = {{"scheduled_ms", task.scheduled_ms}, {"heartbeat", task.heartbeat_details}}}},
        "");
  }

  void OnAttemptFinished(event::AttemptFinished& finished) {
    auto found = runs.find(finished.run_id);
    if (found == runs.end()) return;
    Run& run = *found->second;
    auto task = run.activities.find(finished.seq);
    if (task == run.activities.end() || !task->second.current ||
        task->second.current->token != finished.token) {
      return;  // abandoned attempt (timed out, cancelled): its result is ignored
    }
    if (finished.timeout) {
      AttemptFailed(run, finished.seq, task->second, {.timeout = finished.timeout});
      return;
    }
    if (!finished.result) {
      AttemptFailed(run, finished.seq, task->second, {.error = std::move(finished.result.error())});
      return;
    }
    Progress({.kind = ProgressEvent::Kind::kActivityCompleted,
              .run_id = run.record.run_id,
              .workflow_id = run.record.workflow_id,
              .step_path = task->second.spec.step_path,
              .activity_type = task->second.spec.activity_type,
              .attempt = task->second.attempt,
              .elapsed_ms = Now() - task->second.current->started_ms.load()});
    ResolveActivity(run, finished.seq,
                    {.status = ij::ActivityResolution::Status::kCompleted,
                     .result = std::move(*finished.result)});
  }

  // ---- deadlines ----

  void OnDeadline(const Deadline& deadline, std::int64_t now) {
    auto found = runs.find(deadline.run_id);
    if (found == runs.end()) return;
    Run& run = *found->second;
    if (run.closing) return;
    switch (deadline.kind) {
      case Deadline::Kind::kTimer: {
        auto timer = run.timers.find(deadline.seq);
        if (timer == run.timers.end() || timer->second != deadline.at_ms) return;
        run.timers.erase(timer);
        run.pending.push_back({.job = ij::FireTimer{.seq = deadline.seq},
                               .consume = {write::DeleteOperation{
                                   run.record.run_id, std::string(kTimerOp), deadline.seq}}});
        MarkReady(run.record.run_id);
        return;
      }
      case Deadline::Kind::kActivityDue: {
        auto task = run.activities.find(deadline.seq);
        if (task == run.activities.end() || !task->second.armed || task->second.current ||
            task->second.due_ms != deadline.at_ms) {
          return;
        }
        Dispatch(run, deadline.seq, task->second);
        return;
      }
      case Deadline::Kind::kScheduleToClose: {
        auto task = run.activities.find(deadline.seq);
        if (task == run.activities.end()) return;
        AttemptFailed(run, deadline.seq, task->second, {.timeout = TimeoutType::kScheduleToClose});
        return;
      }
      case Deadline::Kind::kAttemptCheck: {
        auto task = run.activities.find(deadline.seq);
        if (task == run.activities.end() || !task->second.current ||
            task->second.current->token != deadline.token) {
          return;
        }
        CheckAttempt(run, deadline.seq, task->second, now);
        return;
      }
    }
  }

  // Which of the attempt's timeouts has passed, if any; otherwise re-check at the earliest.
  void CheckAttempt(Run& run, std::uint32_t seq, ActivityTask& task, std::int64_t now) {
    const Attempt& attempt = *task.current;
    const auto& timeouts = task.spec.timeouts;
    const std::int64_t started = attempt.started_ms.load();
    std::int64_t recheck = INT64_MAX;
    if (started == 0) {
      if (timeouts.schedule_to_start) {
        const std::int64_t limit = attempt.queued_ms + timeouts.schedule_to_start->count();
        if (now >= limit) {
          AttemptFailed(run, seq, task, {.timeout = TimeoutType::kScheduleToStart});
          return;
        }
        recheck = std::min(recheck, limit);
      }
      // Not started yet: the other timeouts count from the start.
      if (timeouts.start_to_close || timeouts.heartbeat) recheck = std::min(recheck, now + 50);
    } else {
      if (timeouts.start_to_close) {
        const std::int64_t limit = started + timeouts.start_to_close->count();
        if (now >= limit) {
          AttemptFailed(run, seq, task, {.timeout = TimeoutType::kStartToClose});
          return;
        }
        recheck = std::min(recheck, limit);
      }
      if (timeouts.heartbeat) {
        const std::int64_t last = std::max(started, attempt.heartbeat_ms.load());
        const std::int64_t limit = last + timeouts.heartbeat->count();
        if (now >= limit) {
          AttemptFailed(run, seq, task, {.timeout = TimeoutType::kHeartbeat});
          return;
        }
        recheck = std::min(recheck, limit);
      }
    }
    if (recheck != INT64_MAX) {
      deadlines.push(
          {recheck, Deadline::Kind::kAttemptCheck, run.record.run_id, seq, attempt.token});
    }
  }

  // ---- activations ----

  void Activate(Run& run) {
    const std::int64_t now = Now();
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
    const bool suggest = run.activation_seq >= options.suggest_continue_as_new_after;
    json jobs_json = JobsToJson(jobs);
    std::vector<ij::Command> commands =
        run.instance->Activate(ij::Activation{.now_unix_ms = now,
                                              .is_replaying = false,
                                              .continue_as_new_suggested = suggest,
                                              .jobs = std::move(jobs)});
    run.activation_seq += 1;
    activations.fetch_add(1, std::memory_order_relaxed);
    batch.push_back(write::AppendActivation{{.run_id = run.record.run_id,
                                             .seq = run.activation_seq,
                                             .now_ms = now,
                                             .continue_as_new_suggested = suggest,
                                             .jobs = std::move(jobs_json),
                                             .commands = JournaledCommands(commands)}});
    if (first) {
      run.started_ms = now;
      batch.push_back(
          write::SetRunStatus{.run_id = run.record.run_id, .status = RunStatus::kRunning});
      Progress({.kind = ProgressEvent::Kind::kRunStarted,
                .run_id = run.record.run_id,
                .workflow_id = run.record.workflow_id});
    }
    trace::RecordCommands(run.record.workflow_id, commands);
    for (ij::Command& command : commands) Carry(run, command, now, batch);
    run.committing = true;
    Submit(std::move(batch), run.record.run_id);
  }

  void Carry(Run& run, ij::Command& command, std::int64_t now, JournalBatch& batch) {
    const std::string& run_id = run.record.run_id;
    if (auto* schedule_activity = std::get_if<ij::ScheduleActivity>(&command)) {
      batch.push_back(
          write::PutOperation{{.run_id = run_id,
                               .kind = std::string(kActivityOp),
                               .seq = schedule_activity->seq,
                               .due_ms = now,
                               .attempt = 1,
                               .data = {{"scheduled_ms", now}, {"heartbeat", nullptr}}}});
      run.activities[schedule_activity->seq] =
          ActivityTask{.spec = *schedule_activity, .scheduled_ms = now, .due_ms = now};
      run.dispatch_after_commit.push_back(schedule_activity->seq);
    } else if (auto* request_cancel_activity = std::get_if<ij::RequestCancelActivity>(&command)) {
      auto task = run.activities.find(request_cancel_activity->seq);
      if (task == run.activities.end()) return;  // already resolved (its result is pending)
      if (task->second.current) task->second.current->context.Cancel();
      ij::ResolveActivity job{.seq = request_cancel_activity->seq};
      job.resolution.status = ij::ActivityResolution::Status::kCancelled;
      job.resolution.failure = ActivityCancelledFailure(task->second.spec);
      Deliver(run, std::string(kDeliverActivityOp), request_cancel_activity->seq, std::move(job),
              batch);
      batch.push_back(
          write::DeleteOperation{run_id, std::string(kActivityOp), request_cancel_activity->seq});
      run.activities.erase(task);
    } else if (auto* start_timer = std::get_if<ij::StartTimer>(&command)) {
      const std::int64_t due = now + start_timer->duration.count();
      batch.push_back(write::PutOperation{{.run_id = run_id,
                                           .kind = std::string(kTimerOp),
                                           .seq = start_timer->seq,
                                           .due_ms = due}});
      run.timers[start_timer->seq] = due;
      deadlines.push({due, Deadline::Kind::kTimer, run_id, start_timer->seq, 0});
      Progress({.kind = ProgressEvent::Kind::kTimerStarted,
                .run_id = run_id,
                .workflow_id = run.record.workflow_id,
                .elapsed_ms = start_timer->duration.count()});
    } else if (auto* cancel_timer = std::get_if<ij::CancelTimer>(&command)) {
      run.timers.erase(cancel_timer->seq);
      batch.push_back(write::DeleteOperation{run_id, std::string(kTimerOp), cancel_timer->seq});
      std::erase_if(run.pending, [&](const PendingJob& pending) {
        auto* fire = std::get_if<ij::FireTimer>(&pending.job);
        return fire != nullptr && fire->seq == cancel_timer->seq;
      });
    } else if (auto* start_child_workflow = std::get_if<ij::StartChildWorkflow>(&command)) {
      StartChild(run, *start_child_workflow, now, batch);
    } else if (auto* request_cancel_child_workflow =
                   std::get_if<ij::RequestCancelChildWorkflow>(&command)) {
      auto child = run.children.find(request_cancel_child_workflow->seq);
      if (child == run.children.end()) return;
      batch.push_back(write::InsertInbox{{.run_id = child->second.run_id,
                                          .kind = "cancel",
                                          .name = "parent requested cancellation",
                                          .created_ms = now}});
    } else if (auto* signal_external_workflow = std::get_if<ij::SignalExternalWorkflow>(&command)) {
      std::string target = signal_external_workflow->run_id;
      if (target.empty()) {
        auto found = open_by_workflow_id.find(signal_external_workflow->workflow_id);
        if (found != open_by_workflow_id.end()) target = found->second;
      }
      auto found = runs.find(target);
      ij::ResolveSignalExternalWorkflow job{.seq = signal_external_workflow->seq};
      if (found == runs.end() || found->second->closing) {
        job.failure =
            PlainFailure("ExternalWorkflowExecutionNotFound",
                         "no open run of workflow " + signal_external_workflow->workflow_id);
      } else {
        batch.push_back(write::InsertInbox{{.run_id = target,
                                            .kind = "signal",
                                            .name = signal_external_workflow->signal,
                                            .payload = signal_external_workflow->payload,
                                            .created_ms = now}});
      }
      Deliver(run, std::string(kDeliverSignalOp), signal_external_workflow->seq, std::move(job),
              batch);
    } else if (auto* record_marker = std::get_if<ij::RecordMarker>(&command)) {
      if (record_marker->name == ij::kDefinitionMarker &&
          record_marker->data.value("sha256", "") != run.record.pin.value("sha256", "")) {
        spdlog::warn("run {}: the definition marker does not match the run's pin", run_id);
      }
    } else if (auto* upsert_search_attributes = std::get_if<ij::UpsertSearchAttributes>(&command)) {
      if (upsert_search_attributes->attributes.is_object())
        run.record.search_attributes.update(upsert_search_attributes->attributes);
      batch.push_back(
          write::SetRunAttributes{run_id, run.record.search_attributes, run.record.memo});
    } else if (auto* upsert_memo = std::get_if<ij::UpsertMemo>(&command)) {
      if (upsert_memo->memo.is_object()) run.record.memo.update(upsert_memo->memo);
      batch.push_back(
          write::SetRunAttributes{run_id, run.record.search_attributes, run.record.memo});
    } else if (auto* reject_update = std::get_if<ij::RejectUpdate>(&command)) {
      Reply(reject_update->id, {.ok = false, .value = FailureToJson(reject_update->failure)},
            batch);
    } else if (auto* complete_update = std::get_if<ij::CompleteUpdate>(&command)) {
      if (complete_update->failure) {
        Reply(complete_update->id, {.ok = false, .value = FailureToJson(*complete_update->failure)},
              batch);
      } else {
        Reply(complete_update->id, {.ok = true, .value = complete_update->result.value_or(json())},
              batch);
      }
    } else if (auto* respond_to_query = std::get_if<ij::RespondToQuery>(&command)) {
      if (respond_to_query->failure) {
        Reply(respond_to_query->id,
              {.ok = false, .value = FailureToJson(*respond_to_query->failure)}, batch);
      } else {
        Reply(respond_to_query->id,
              {.ok = true, .value = respond_to_query->result.value_or(json())}, batch);
      }
    } else if (auto* complete_workflow = std::get_if<ij::CompleteWorkflow>(&command)) {
      Close(run, RunStatus::kCompleted, complete_workflow->result, nullptr, nullptr, now, batch);
    } else if (auto* fail_workflow = std::get_if<ij::FailWorkflow>(&command)) {
      Close(run, RunStatus::kFailed, nullptr, FailureToJson(fail_workflow->failure), nullptr, now,
            batch);
    } else if (std::holds_alternative<ij::CancelWorkflowExecution>(command)) {
      Failure cancelled = PlainFailure("Cancelled", "workflow cancelled");
      cancelled.kind = Failure::Kind::kCancelled;
      Close(run, RunStatus::kCancelled, nullptr, FailureToJson(cancelled), nullptr, now, batch);
    } else if (auto* continue_as_new = std::get_if<ij::ContinueAsNew>(&command)) {
      Close(run, RunStatus::kContinuedAsNew, nullptr, nullptr, continue_as_new, now, batch);
    }
    // AcceptUpdate: journaled with the commands; the reply comes with CompleteUpdate.
  }

  void Reply(const std::string& id, weft::embedded::Reply reply, JournalBatch& batch) {
    std::int64_t inbox_id = 0;
    try {
      inbox_id = std::stoll(id);
    } catch (const std::exception&) {
      return;  // not an inbox request
    }
    batch.push_back(write::PutReply{inbox_id, std::move(reply)});
  }

  // Journals a resolution decided now and queues it for the next activation; a restart before
  // that delivers it from the journal.
  void Deliver(Run& run, std::string kind, std::uint32_t seq, ij::Job job, JournalBatch& batch) {
    batch.push_back(write::PutOperation{
        {.run_id = run.record.run_id, .kind = kind, .seq = seq, .data = JobToJson(job)}});
    run.pending.push_back(
        {.job = std::move(job),
         .consume = {write::DeleteOperation{run.record.run_id, std::move(kind), seq}}});
    MarkReady(run.record.run_id);
  }

  void StartChild(Run& parent, const ij::StartChildWorkflow& command, std::int64_t now,
                  JournalBatch& batch) {
    std::shared_ptr<const dsl::Definition> definition =
        options.find_definition ? options.find_definition(command.workflow_type) : nullptr;
    std::string workflow_id =
        command.workflow_id.empty() ? command.workflow_type + "-" + ShortId() : command.workflow_id;
    ij::ResolveChildWorkflowStart job{.seq = command.seq};
    if (!definition) {
      job.started = false;
      job.failure = PlainFailure("WorkflowNotFound",
                                 "no workflow definition named \"" + command.workflow_type + "\"");
    } else if (open_by_workflow_id.contains(workflow_id)) {
      job.started = false;
      job.failure = PlainFailure("WorkflowExecutionAlreadyStarted",
                                 "workflow id " + workflow_id + " is already running");
    } else {
      RunRecord record{
          .run_id = NewRunId(),
          .workflow_id = workflow_id,
          .name = definition->name,
          .input = command.input,
          .parent_run_id = parent.record.run_id,
          .parent_seq = command.seq,
          .parent_close_policy = std::string(ParentClosePolicyName(command.parent_close_policy)),
          .created_ms = now};
      job.run_id = record.run_id;
      parent.children[command.seq] = {record.run_id, record.parent_close_policy};
      batch.push_back(NewRunRow(record, *definition));
      batch.push_back(write::PutOperation{
          {.run_id = parent.record.run_id,
           .kind = std::string(kChildOp),
           .seq = command.seq,
           .data = {{"child_run_id", record.run_id}, {"policy", record.parent_close_policy}}}});
      Run* child = AddRun(std::move(record), std::move(definition));
      PushStart(*child);
    }
    Deliver(parent, std::string(kDeliverChildStartOp), command.seq, std::move(job), batch);
  }

  void Close(Run& run, RunStatus status, json result, json failure, const ij::ContinueAsNew* next,
             std::int64_t now, JournalBatch& batch) {
    if (run.closing) return;
    run.closing = true;
    const std::string& run_id = run.record.run_id;
    std::string continued_to;
    if (next != nullptr) {
      std::shared_ptr<const dsl::Definition> definition = run.definition;
      if (next->workflow_type && *next->workflow_type != run.record.name) {
        definition =
            options.find_definition ? options.find_definition(*next->workflow_type) : nullptr;
      }
      if (!definition) {
        status = RunStatus::kFailed;
        failure = FailureToJson(
            PlainFailure("WorkflowNotFound", "continue-as-new to an unknown workflow " +
                                                 next->workflow_type.value_or(run.record.name)));
      } else {
        RunRecord record{.run_id = NewRunId(),
                         .workflow_id = run.record.workflow_id,
                         .name = definition->name,
                         .input = next->input,
                         .resume = next->resume,
                         .parent_run_id = run.record.parent_run_id,
                         .parent_seq = run.record.parent_seq,
                         .parent_close_policy = run.record.parent_close_policy,
                         .continued_from = run_id,
                         .search_attributes = run.record.search_attributes,
                         .memo = run.record.memo,
                         .created_ms = now};
        continued_to = record.run_id;
        batch.push_back(NewRunRow(record, *definition));
        open_by_workflow_id.erase(run.record.workflow_id);
        Run* successor = AddRun(std::move(record), std::move(definition));
        PushStart(*successor);
      }
    }
    batch.push_back(write::SetRunStatus{.run_id = run_id,
                                        .status = status,
                                        .result = result,
                                        .failure = failure,
                                        .closed_ms = now,
                                        .continued_to = continued_to});
    batch.push_back(write::DeleteRunOperations{run_id});
    for (auto& [seq, task] : run.activities) {
      if (task.current) task.current->context.Cancel();
    }
    run.activities.clear();
    run.timers.clear();
    run.dispatch_after_commit.clear();
    for (const auto& [seq, child] : run.children) {
      if (child.policy == "abandon") continue;
      batch.push_back(
          write::InsertInbox{{.run_id = child.run_id,
                              .kind = child.policy == "request_cancel" ? "cancel" : "terminate",
                              .name = "parent run " + run_id + " closed",
                              .created_ms = now}});
    }
    if (continued_to.empty() && !run.record.parent_run_id.empty()) {
      NotifyParent(run, status, result, failure, batch);
    }
    if (continued_to.empty()) {
      auto by_id = open_by_workflow_id.find(run.record.workflow_id);
      if (by_id != open_by_workflow_id.end() && by_id->second == run_id) {
        open_by_workflow_id.erase(by_id);
      }
    }
    run.record.status = status;
    run.record.result = std::move(result);
    run.record.failure = std::move(failure);
    run.record.continued_to = continued_to;
  }

  void NotifyParent(Run& run, RunStatus status, const json& result, const json& failure,
                    JournalBatch& batch) {
    const auto seq = static_cast<std::uint32_t>(run.record.parent_seq);
    ij::ResolveChildWorkflow job{.seq = seq};
    if (status == RunStatus::kCompleted) {
      job.result = result;
    } else {
      job.status = status == RunStatus::kCancelled ? ij::ActivityResolution::Status::kCancelled
                                                   : ij::ActivityResolution::Status::kFailed;
      Failure wrapper;
      wrapper.kind = Failure::Kind::kChildWorkflow;
      auto cause = std::make_shared<Failure>(FailureFromJson(failure));
      wrapper.type = cause->type;
      wrapper.message = "child workflow " + run.record.name + " " +
                        std::string(RunStatusName(status)) + ": " + cause->message;
      wrapper.info = {{"workflow_type", run.record.name},
                      {"workflow_id", run.record.workflow_id},
                      {"run_id", run.record.run_id}};
      wrapper.cause = std::move(cause);
      job.failure = std::move(wrapper);
    }
    const std::string& parent_id = run.record.parent_run_id;
    batch.push_back(write::DeleteOperation{parent_id, std::string(kChildOp), seq});
    auto parent = runs.find(parent_id);
    if (parent == runs.end() || parent->second->closing) return;  // abandoned
    parent->second->children.erase(seq);
    Deliver(*parent->second, std::string(kDeliverChildOp), seq, std::move(job), batch);
  }

  void Terminate(Run& run) {
    JournalBatch batch;
    Failure failure = PlainFailure("Terminated", run.terminate_reason);
    failure.kind = Failure::Kind::kTerminated;
    run.pending.clear();
    Close(run, RunStatus::kTerminated, nullptr, FailureToJson(failure), nullptr, Now(), batch);
    run.committing = true;
    Submit(std::move(batch), run.record.run_id);
  }

  void AnswerQueries(Run& run) {
    if (run.queries.empty() || run.activation_seq == 0) return;
    JournalBatch batch;
    for (const InboxItem& item : run.queries) {
      auto commands = run.instance->Activate(ij::Activation{
          .now_unix_ms = Now(),
          .jobs = {ij::QueryWorkflow{
              .id = std::to_string(item.id), .name = item.name, .payload = item.payload}}});
      bool answered = false;
      for (auto& command : commands) {
        if (auto* answer = std::get_if<ij::RespondToQuery>(&command)) {
          Carry(run, command, Now(), batch);
          answered = answered || answer->id == std::to_string(item.id);
        }
      }
      if (!answered) {
        batch.push_back(write::PutReply{
            item.id, {.ok = false, .value = {{"message", "the run did not answer the query"}}}});
      }
      batch.push_back(write::DeleteInbox{item.id});
    }
    run.queries.clear();
    Submit(std::move(batch), "");
  }

  // ---- commits ----

  void OnCommitted(event::Committed& committed) {
    if (!committed.result) {
      spdlog::critical("journal: {}; the engine stops so that nothing runs unrecorded",
                       committed.result.error());
      fatal.store(true);
      return;
    }
    for (std::uint64_t token : committed.tokens) {
      auto owner = batch_owner.find(token);
      if (owner == batch_owner.end()) continue;
      const std::string run_id = std::move(owner->second);
      batch_owner.erase(owner);
      auto found = runs.find(run_id);
      if (found == runs.end()) continue;
      Run& run = *found->second;
      run.committing = false;
      if (run.closing) {
        FinishClosed(run);
        continue;
      }
      for (std::uint32_t seq : run.dispatch_after_commit) {
        auto task = run.activities.find(seq);
        if (task == run.activities.end()) continue;
        task->second.armed = true;
        deadlines.push({task->second.due_ms, Deadline::Kind::kActivityDue, run_id, seq, 0});
        if (task->second.spec.timeouts.schedule_to_close) {
          deadlines.push(
              {task->second.scheduled_ms + task->second.spec.timeouts.schedule_to_close->count(),
               Deadline::Kind::kScheduleToClose, run_id, seq, 0});
        }
      }
      run.dispatch_after_commit.clear();
      if (!run.pending.empty() || run.terminate_requested) MarkReady(run_id);
    }
  }

  void FinishClosed(Run& run) {
    const std::string run_id = run.record.run_id;
    Progress({.kind = ProgressEvent::Kind::kRunClosed,
              .run_id = run_id,
              .workflow_id = run.record.workflow_id,
              .elapsed_ms = Now() - run.started_ms,
              .message = std::string(RunStatusName(run.record.status))});
    // Queries and updates that arrived meanwhile get an answer instead of a wait.
    JournalBatch batch;
    for (const InboxItem& item : run.queries) {
      batch.push_back(write::PutReply{
          item.id, {.ok = false, .value = {{"message", "run " + run_id + " is closed"}}}});
      batch.push_back(write::DeleteInbox{item.id});
    }
    for (const PendingJob& pending : run.pending) {
      if (auto* update = std::get_if<ij::DoUpdate>(&pending.job)) {
        Reply(update->id,
              {.ok = false, .value = {{"message", "run " + run_id + " closed before the update"}}},
              batch);
      }
      for (const JournalWrite& consumed : pending.consume) {
        if (std::holds_alternative<write::DeleteInbox>(consumed)) batch.push_back(consumed);
      }
    }
    if (!batch.empty()) Submit(std::move(batch), "");
    {
      std::lock_guard lock(mutex);
      closed[run_id] = RunOutcome{.run_id = run_id,
                                  .status = run.record.status,
                                  .result = run.record.result,
                                  .failure = run.record.failure};
      if (!run.record.continued_to.empty()) successors[run_id] = run.record.continued_to;
    }
    RemoveRun(run_id);
    closed_signal.notify_all();
  }

  // ---- the inbox and runs started by other processes ----

  void Poll(bool force) {
    auto version = reader->DataVersion();
    if (!version) {
      spdlog::warn("journal: {}", version.error());
      return;
    }
    if (!force && *version == last_data_version) return;
    last_data_version = *version;
    auto pending = reader->PendingRunIds();
    if (pending) {
      for (const std::string& run_id : *pending) {
        if (runs.contains(run_id)) continue;
        {
          std::lock_guard lock(mutex);
          if (closed.contains(run_id)) continue;
        }
        auto record = reader->FindRun(run_id);
        if (!record || !*record || (*record)->status != RunStatus::kPending) continue;
        if (auto done = RecoverRun(std::move(**record)); !done) {
          spdlog::error("journal: {}", done.error());
        }
      }
    }
    auto items = reader->InboxAfter(last_inbox_id);
    if (!items) {
      spdlog::warn("journal: {}", items.error());
      return;
    }
    for (InboxItem& item : *items) {
      last_inbox_id = std::max(last_inbox_id, item.id);
      Take(std::move(item));
    }
  }

  void Take(InboxItem item) {
    auto found = runs.find(item.run_id);
    if (item.kind == "start") {  // the run row is the request; it is loaded as pending
      Submit(JournalBatch{write::DeleteInbox{item.id}}, "");
      return;
    }
    if (found == runs.end() || found->second->closing) {
      JournalBatch batch{write::DeleteInbox{item.id}};
      if (item.kind == "query" || item.kind == "update" || item.kind == "signal") {
        batch.push_back(write::PutReply{
            item.id,
            {.ok = false, .value = {{"message", "run " + item.run_id + " is not running"}}}});
      }
      Submit(std::move(batch), "");
      return;
    }
    Run& run = *found->second;
    const std::string id = std::to_string(item.id);
    if (item.kind == "query") {
      run.queries.push_back(std::move(item));
      MarkReady(run.record.run_id);
      return;
    }
    PendingJob pending{.consume = {write::DeleteInbox{item.id}}};
    if (item.kind == "signal") {
      pending.job = ij::SignalWorkflow{.name = item.name, .payload = item.payload};
      pending.consume.push_back(write::PutReply{item.id, {.ok = true}});
    } else if (item.kind == "update") {
      pending.job = ij::DoUpdate{.id = id, .name = item.name, .payload = item.payload};
    } else if (item.kind == "cancel") {
      pending.job = ij::CancelWorkflow{.reason = item.name};
      pending.consume.push_back(write::PutReply{item.id, {.ok = true}});
    } else if (item.kind == "terminate") {
      run.terminate_requested = true;
      run.terminate_reason = item.name.empty() ? "terminated" : item.name;
      Submit(JournalBatch{write::DeleteInbox{item.id}, write::PutReply{item.id, {.ok = true}}}, "");
      MarkReady(run.record.run_id);
      return;
    } else {
      Submit(JournalBatch{write::DeleteInbox{item.id}}, "");
      return;
    }
    run.pending.push_back(std::move(pending));
    MarkReady(run.record.run_id);
  }

  // ---- the loop ----

  bool Idle() const {
    if (!ready.empty()) return false;
    for (const auto& [id, run] : runs) {
      if (run->committing || !run->pending.empty()) return false;
      for (const auto& [seq, task] : run->activities) {
        if (task.current || !task.armed) return false;
      }
    }
    return true;
  }

  void Loop() {
    while (true) {
      std::deque<Event> taken;
      {
        std::unique_lock lock(mutex);
        if (stopping) return;
        taken.swap(events);
      }
      if (fatal.load()) {
        std::unique_lock lock(mutex);
        wake.wait(lock, [this] { return stopping; });
        return;
      }
      for (Event& e : taken) {
        if (auto* committed = std::get_if<event::Committed>(&e)) {
          OnCommitted(*committed);
        } else if (auto* finished = std::get_if<event::AttemptFinished>(&e)) {
          OnAttemptFinished(*finished);
        } else if (auto* start = std::get_if<event::StartRequest>(&e)) {
          Submit(JournalBatch{NewRunRow(start->record, *start->definition)}, "");
          PushStart(*AddRun(std::move(start->record), std::move(start->definition)));
        }
      }
      std::int64_t now = Now();
      if (options.time_skipping && !deadlines.empty() && deadlines.top().at_ms > now &&
          taken.empty() && Idle()) {
        clock_offset_ms += deadlines.top().at_ms - now;
        now = Now();
      }
      while (!deadlines.empty() && deadlines.top().at_ms <= now) {
        Deadline deadline = deadlines.top();
        deadlines.pop();
        OnDeadline(deadline, now);
      }
      if (now >= next_poll_ms) {
        Poll(false);
        next_poll_ms = now + options.inbox_poll.count();
      }
      std::vector<std::string> work;
      work.swap(ready);
      ready_set.clear();
      for (const std::string& run_id : work) {
        auto found = runs.find(run_id);
        if (found == runs.end()) continue;
        Run& run = *found->second;
        AnswerQueries(run);
        if (run.committing || run.closing) continue;
        if (run.terminate_requested) {
          Terminate(run);
        } else if (!run.pending.empty()) {
          Activate(run);
        }
        AnswerQueries(run);
      }
      std::int64_t wake_at = next_poll_ms;
      if (!deadlines.empty()) wake_at = std::min(wake_at, deadlines.top().at_ms);
      std::unique_lock lock(mutex);
      if (!events.empty() || stopping || !ready.empty()) continue;
      wake.wait_for(lock, std::chrono::milliseconds(std::max<std::int64_t>(wake_at - Now(), 0)),
                    [this] { return stopping || !events.empty(); });
    }
  }
};

Engine::Engine(std::unique_ptr<State> state) : state_(std::move(state)) {}

Engine::~Engine() { Stop(); }

std::expected<std::unique_ptr<Engine>, std::string> Engine::Open(EngineOptions options) {
  if (options.registry == nullptr) return std::unexpected("the engine needs an activity registry");
  auto state = std::make_unique<State>();
  state->options = std::move(options);
  const JournalOptions journal_options{.synchronous_full = state->options.synchronous_full};
  auto reader = Journal::Open(state->options.journal_path, journal_options);
  if (!reader) return std::unexpected(reader.error());
  auto writer_journal = Journal::Open(state->options.journal_path, journal_options);
  if (!writer_journal) return std::unexpected(writer_journal.error());
  auto waiter = Journal::Open(state->options.journal_path, journal_options);
  if (!waiter) return std::unexpected(waiter.error());
  state->reader = std::move(*reader);
  state->waiter_journal = std::move(*waiter);
  State* raw = state.get();
  state->writer = std::make_unique<GroupCommit>(
      std::move(*writer_journal),
      [raw](std::vector<std::uint64_t> tokens, const std::expected<void, std::string>& result) {
        raw->Post(event::Committed{std::move(tokens), result});
      });
  state->pool = std::make_unique<ActivityPool>(state->options.activity_threads);
  if (auto recovered = state->Recover(); !recovered) return std::unexpected(recovered.error());
  // Inbox rows already consumed by a previous engine were deleted with their delivery; all
  // that remain are new to this one.
  state->Poll(true);
  std::unique_ptr<Engine> engine(new Engine(std::move(state)));
  engine->state_->thread = std::thread([raw] {
    pthread_setname_np(pthread_self(), "weft-engine");  // for top -H and the benchmark
    raw->Loop();
  });
  return engine;
}

std::string Engine::StartRun(std::shared_ptr<const dsl::Definition> definition, json input,
                             std::string workflow_id) {
  RunRecord record{.run_id = NewRunId(),
                   .workflow_id = workflow_id,
                   .name = definition->name,
                   .pin = {{"name", definition->name},
                           {"version", definition->version},
                           {"sha256", definition->sha256}},
                   .input = std::move(input),
                   .created_ms = WallClockMs() + state_->clock_offset_ms.load()};
  if (record.workflow_id.empty()) record.workflow_id = definition->name + "-" + ShortId();
  const std::string run_id = record.run_id;
  {
    std::lock_guard lock(state_->mutex);
    state_->open_run_ids.insert(run_id);
  }
  state_->Post(event::StartRequest{std::move(definition), std::move(record)});
  return run_id;
}

std::optional<RunOutcome> Engine::WaitForRun(const std::string& run_id,
                                             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string current = run_id;
  std::unique_lock lock(state_->mutex);
  while (true) {
    auto next = state_->successors.find(current);
    if (next != state_->successors.end()) {
      current = next->second;
      continue;
    }
    auto closed = state_->closed.find(current);
    if (closed != state_->closed.end()) return closed->second;
    if (!state_->open_run_ids.contains(current)) {
      // Closed before this engine started, or unknown: the journal says.
      auto record = state_->waiter_journal->FindRun(current);
      if (!record || !*record) return std::nullopt;
      if ((*record)->status == RunStatus::kContinuedAsNew) {
        current = (*record)->continued_to;
        continue;
      }
      if (IsClosed((*record)->status)) {
        return RunOutcome{.run_id = current,
                          .status = (*record)->status,
                          .result = (*record)->result,
                          .failure = (*record)->failure};
      }
    }
    if (state_->closed_signal.wait_until(lock, deadline) == std::cv_status::timeout) {
      return std::nullopt;
    }
  }
}

bool Engine::WaitUntilIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->closed_signal.wait_for(lock, timeout,
                                        [this] { return state_->open_run_ids.empty(); });
}

std::size_t Engine::OpenRuns() const {
  std::lock_guard lock(state_->mutex);
  return state_->open_run_ids.size();
}

Engine::Stats Engine::stats() const {
  auto writer = state_->writer ? state_->writer->stats() : GroupCommit::Stats{};
  return {.transactions = writer.transactions,
          .batches = writer.batches,
          .activations = state_->activations.load(),
          .replayed_runs = state_->replayed_runs};
}

void Engine::Stop() {
  if (!state_ || !state_->thread.joinable()) return;
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->thread.join();
  state_->pool.reset();
  state_->writer.reset();
  state_->closed_signal.notify_all();
}

}  // namespace weft::embedded
