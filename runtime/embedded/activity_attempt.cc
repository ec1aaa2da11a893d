#include "runtime/embedded/activity_attempt.h"

#include <algorithm>
#include <climits>
#include <utility>

#include "runtime/embedded/engine_core.h"
#include "runtime/run/activity_retry.h"
#include "runtime/run/failure_codec.h"

namespace weft::embedded {
namespace {

namespace ij = interpreter;
using nlohmann::json;

// How often an attempt that has not started yet is looked at for its start-to-close and
// heartbeat limits, which count from its start.
constexpr std::int64_t kNotStartedRecheckMs = 50;

}  // namespace

ActivityTask::Phase ActivityTask::phase() const {
  if (!armed) return Phase::kScheduled;
  if (current) return current->started_ms.load() > 0 ? Phase::kRunning : Phase::kQueued;
  return backoff ? Phase::kBackoff : Phase::kArmed;
}

void ActivityAttempts::Schedule(Run& run, const ij::ScheduleActivity& spec, std::int64_t now_ms) {
  ActivityTask& task = run.activities[spec.seq] =
      ActivityTask{.spec = spec, .scheduled_ms = now_ms, .due_ms = now_ms};
  run.arm_after_commit.push_back(spec.seq);
  // Activate counted this activation already: beyond the first, the run's row is committed.
  if (run.activation_seq > 1) Dispatch(run, spec.seq, task);
}

void ActivityAttempts::Arm(Run& run, std::uint32_t seq) {
  auto task = run.activities.find(seq);
  if (task == run.activities.end()) return;  // cancelled before its schedule committed
  task->second.armed = true;
  const std::string& run_id = run.record.run_id;
  core_.deadlines.Push({.at_ms = task->second.due_ms,
                        .kind = Deadline::Kind::kActivityDue,
                        .run_id = run_id,
                        .seq = seq});
  if (const auto& limit = task->second.spec.timeouts.schedule_to_close) {
    core_.deadlines.Push({.at_ms = task->second.scheduled_ms + limit->count(),
                          .kind = Deadline::Kind::kScheduleToClose,
                          .run_id = run_id,
                          .seq = seq});
  }
}

void ActivityAttempts::Restore(Run& run, std::uint32_t seq, ActivityTask task) {
  task.armed = false;
  task.backoff = task.attempt > 1;
  run.activities[seq] = std::move(task);
  Arm(run, seq);
}

std::optional<ij::Failure> ActivityAttempts::Cancel(Run& run, std::uint32_t seq) {
  auto task = run.activities.find(seq);
  if (task == run.activities.end()) return std::nullopt;  // resolved; its result is pending
  Abandon(task->second);
  ij::Failure failure = run::ActivityCancelledFailure(task->second.spec);
  run.activities.erase(task);
  return failure;
}

void ActivityAttempts::CancelAll(Run& run) {
  for (auto& [seq, task] : run.activities) Abandon(task);
  run.activities.clear();
  run.arm_after_commit.clear();
}

void ActivityAttempts::Abandon(ActivityTask& task) {
  if (!task.current) return;
  task.current->context.Cancel();
  // A running attempt may never return (a hung call): the pool gives its thread up and starts
  // another, so that the pool keeps its size.
  if (task.current->started_ms.load() > 0) core_.pool->Abandon(task.current->pool_ticket);
  task.current.reset();
}

void ActivityAttempts::OnDeadline(Run& run, const Deadline& deadline, std::int64_t now_ms) {
  auto found = run.activities.find(deadline.seq);
  if (found == run.activities.end()) return;
  ActivityTask& task = found->second;
  switch (deadline.kind) {
    case Deadline::Kind::kActivityDue:
      if (task.armed && !task.current && task.due_ms == deadline.at_ms) {
        Dispatch(run, deadline.seq, task);
      }
      return;
    case Deadline::Kind::kScheduleToClose:
      AttemptFailed(run, deadline.seq, task, {.timeout = run::TimeoutType::kScheduleToClose});
      return;
    case Deadline::Kind::kAttemptCheck:
      if (task.current && task.current->token == deadline.token) {
        CheckAttempt(run, deadline.seq, task, now_ms);
      }
      return;
    case Deadline::Kind::kTimer:
    case Deadline::Kind::kRunTimeout:
      return;  // not an activity's
  }
}

void ActivityAttempts::Dispatch(Run& run, std::uint32_t seq, ActivityTask& task) {
  activity::ActivityInfo info;
  info.activity_type = task.spec.activity_type;
  info.workflow_id = run.record.workflow_id;
  info.run_id = run.record.run_id;
  info.activity_id = task.spec.activity_id;
  info.attempt = task.attempt;
  info.scheduled_time =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(task.scheduled_ms));
  info.heartbeat_details = task.heartbeat_details;
  const std::int64_t now = core_.Now();
  const auto& timeouts = task.spec.timeouts;
  std::int64_t deadline = INT64_MAX;
  if (timeouts.start_to_close) deadline = now + timeouts.start_to_close->count();
  if (timeouts.schedule_to_close) {
    deadline = std::min(deadline, task.scheduled_ms + timeouts.schedule_to_close->count());
  }
  if (deadline != INT64_MAX) {
    info.deadline = std::chrono::system_clock::time_point(std::chrono::milliseconds(deadline));
  }
  auto attempt = std::make_shared<Attempt>(std::move(info));
  attempt->token = core_.next_token++;
  attempt->queued_ms = now;
  std::weak_ptr<Attempt> weak = attempt;
  run::Clock* clock = &core_.clock;
  attempt->context.OnHeartbeat([weak, clock](const json&) {
    if (auto alive = weak.lock()) alive->heartbeat_ms.store(clock->NowMs());
  });
  task.current = attempt;
  task.backoff = false;
  core_.Progress({.kind = ProgressEvent::Kind::kActivityStarted,
                  .run_id = run.record.run_id,
                  .workflow_id = run.record.workflow_id,
                  .workflow_type = run.record.name,
                  .step_path = task.spec.step_path,
                  .step = task.spec.step_label,
                  .activity_type = task.spec.activity_type,
                  .attempt = task.attempt});

  for (const auto& limit :
       {timeouts.start_to_close, timeouts.heartbeat, timeouts.schedule_to_start}) {
    if (limit) {
      core_.deadlines.Push({.at_ms = now + limit->count(),
                            .kind = Deadline::Kind::kAttemptCheck,
                            .run_id = run.record.run_id,
                            .seq = seq,
                            .token = attempt->token});
    }
  }
  const std::optional<std::int64_t> schedule_to_start =
      timeouts.schedule_to_start ? std::optional(timeouts.schedule_to_start->count())
                                 : std::nullopt;
  // The task may outlive the engine (an abandoned call that returns late): it holds only what
  // stays valid: the mailbox, the clock and the registry (both outlive the engine).
  attempt->pool_ticket = core_.pool->Submit([mailbox = core_.mailbox, clock,
                                             registry = core_.options.registry, attempt,
                                             run_id = run.record.run_id, seq,
                                             input = task.spec.input,
                                             type = task.spec.activity_type, schedule_to_start] {
    const std::int64_t started = clock->NowMs();
    attempt->started_ms.store(started);
    if (schedule_to_start && started - attempt->queued_ms >= *schedule_to_start) {
      mailbox->Post(AttemptFinished{run_id, seq, attempt->token,
                                    std::unexpected(activity::ActivityError::Timeout("")),
                                    run::TimeoutType::kScheduleToStart});
      return;
    }
    activity::ActivityResult result = registry->Execute(type, input, attempt->context);
    mailbox->Post(AttemptFinished{run_id, seq, attempt->token, std::move(result), std::nullopt});
  });
}

// Which of the attempt's timeouts has passed, if any; otherwise look again at the earliest.
void ActivityAttempts::CheckAttempt(Run& run, std::uint32_t seq, ActivityTask& task,
                                    std::int64_t now_ms) {
  const Attempt& attempt = *task.current;
  const auto& timeouts = task.spec.timeouts;
  const std::int64_t started = attempt.started_ms.load();
  std::int64_t recheck = INT64_MAX;
  if (started == 0) {
    if (timeouts.schedule_to_start) {
      const std::int64_t limit = attempt.queued_ms + timeouts.schedule_to_start->count();
      if (now_ms >= limit) {
        AttemptFailed(run, seq, task, {.timeout = run::TimeoutType::kScheduleToStart});
        return;
      }
      recheck = std::min(recheck, limit);
    }
    if (timeouts.start_to_close || timeouts.heartbeat) {
      recheck = std::min(recheck, now_ms + kNotStartedRecheckMs);
    }
  } else {
    if (timeouts.start_to_close) {
      const std::int64_t limit = started + timeouts.start_to_close->count();
      if (now_ms >= limit) {
        AttemptFailed(run, seq, task, {.timeout = run::TimeoutType::kStartToClose});
        return;
      }
      recheck = std::min(recheck, limit);
    }
    if (timeouts.heartbeat) {
      const std::int64_t last = std::max(started, attempt.heartbeat_ms.load());
      const std::int64_t limit = last + timeouts.heartbeat->count();
      if (now_ms >= limit) {
        AttemptFailed(run, seq, task, {.timeout = run::TimeoutType::kHeartbeat});
        return;
      }
      recheck = std::min(recheck, limit);
    }
  }
  if (recheck != INT64_MAX) {
    core_.deadlines.Push({.at_ms = recheck,
                          .kind = Deadline::Kind::kAttemptCheck,
                          .run_id = run.record.run_id,
                          .seq = seq,
                          .token = attempt.token});
  }
}

void ActivityAttempts::AttemptFailed(Run& run, std::uint32_t seq, ActivityTask& task,
                                     run::AttemptFailure failure) {
  const std::int64_t now = core_.Now();
  std::int64_t elapsed = 0;
  if (task.current) {
    const std::int64_t started = task.current->started_ms.load();
    if (started > 0) elapsed = now - started;
    json details = task.current->context.LastHeartbeat();
    if (!details.is_null()) task.heartbeat_details = std::move(details);
  }
  // A timed-out attempt is abandoned: its late result is ignored (its token is gone).
  if (failure.timeout) {
    Abandon(task);
  } else {
    task.current.reset();
  }
  run::RetryDecision decision =
      run::DecideRetry(task.spec, task.attempt, failure, task.scheduled_ms, now);
  ProgressEvent progress{
      .kind = ProgressEvent::Kind::kActivityFailed,
      .run_id = run.record.run_id,
      .workflow_id = run.record.workflow_id,
      .workflow_type = run.record.name,
      .step_path = task.spec.step_path,
      .step = task.spec.step_label,
      .activity_type = task.spec.activity_type,
      .attempt = task.attempt,
      .elapsed_ms = elapsed,
      .message = failure.timeout ? std::string(run::TimeoutTypeName(*failure.timeout)) + " timeout"
                                 : failure.error.Describe()};
  if (!decision.retry) {
    core_.Progress(progress);
    Resolve(run, seq,
            {.status = ij::ActivityResolution::Status::kFailed,
             .failure = std::move(decision.failure)});
    return;
  }
  progress.kind = ProgressEvent::Kind::kActivityRetrying;
  core_.Progress(progress);
  task.attempt += 1;
  task.due_ms = decision.next_attempt_at_ms;
  task.backoff = true;
  core_.deadlines.Push({.at_ms = task.due_ms,
                        .kind = Deadline::Kind::kActivityDue,
                        .run_id = run.record.run_id,
                        .seq = seq});
  core_.Submit(
      JournalBatch{write::RescheduleOperation{
          .run_id = run.record.run_id,
          .kind = std::string(operation::kActivity),
          .seq = seq,
          .due_ms = task.due_ms,
          .attempt = task.attempt,
          // What describe_run shows of a retrying activity (recovery reads the rest).
          .data = json{{"scheduled_ms", task.scheduled_ms},
                       {"heartbeat", task.heartbeat_details},
                       {"last_failure", run::FailureToJson(run::ActivityFailure(
                                            task.spec, failure, "IN_PROGRESS"))["cause"]}}}},
      "");
}

void ActivityAttempts::OnFinished(Run& run, AttemptFinished& finished) {
  auto task = run.activities.find(finished.seq);
  if (task == run.activities.end() || !task->second.current ||
      task->second.current->token != finished.token) {
    return;  // an abandoned attempt (timed out, cancelled): its result is ignored
  }
  if (finished.timeout) {
    AttemptFailed(run, finished.seq, task->second, {.timeout = finished.timeout});
    return;
  }
  if (!finished.result) {
    AttemptFailed(run, finished.seq, task->second, {.error = std::move(finished.result.error())});
    return;
  }
  core_.Progress({.kind = ProgressEvent::Kind::kActivityCompleted,
                  .run_id = run.record.run_id,
                  .workflow_id = run.record.workflow_id,
                  .workflow_type = run.record.name,
                  .step_path = task->second.spec.step_path,
                  .step = task->second.spec.step_label,
                  .activity_type = task->second.spec.activity_type,
                  .attempt = task->second.attempt,
                  .elapsed_ms = core_.Now() - task->second.current->started_ms.load()});
  Resolve(run, finished.seq,
          {.status = ij::ActivityResolution::Status::kCompleted,
           .result = std::move(*finished.result)});
}

void ActivityAttempts::Resolve(Run& run, std::uint32_t seq, ij::ActivityResolution resolution) {
  run.pending.push_back(
      {.job = ij::ResolveActivity{.seq = seq, .resolution = std::move(resolution)},
       .consume = {
           write::DeleteOperation{run.record.run_id, std::string(operation::kActivity), seq}}});
  run.activities.erase(seq);
  core_.MarkReady(run.record.run_id);
}

}  // namespace weft::embedded
