#include "runtime/temporal/local_activities.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "runtime/activity/activity_context.h"
#include "runtime/run/activity_retry.h"

namespace weft::temporal {

using Clock = std::chrono::system_clock;
using interpreter::ActivityResolution;

// One local activity, shared by its driver and its attempts: an abandoned attempt may still
// hold it after the driver and the executor are gone.
struct LocalActivities::Execution {
  interpreter::ScheduleActivity activity;
  std::string workflow_id;
  std::string run_id;
  Done done;

  std::mutex mutex;
  std::condition_variable changed;  // an attempt ended, or the activity was cancelled
  bool cancelled = false;
  std::int32_t attempt = 0;  // the attempt whose result counts; 0 while none runs
  std::optional<activity::ActivityResult> result;
  std::shared_ptr<activity::LocalActivityContext> context;  // of the running attempt
};

namespace {

std::int64_t UnixMs(Clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

LocalActivities::LocalActivities(const activity::ActivityRegistry& registry, int threads)
    : registry_(registry), pool_(std::max(threads, 1)) {}

LocalActivities::~LocalActivities() {
  std::map<Ticket, std::thread> drivers;
  std::vector<std::thread> finished;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [ticket, execution] : running_) {
      std::lock_guard execution_lock(execution->mutex);
      execution->cancelled = true;
      if (execution->context) execution->context->Cancel();
      execution->changed.notify_all();
    }
  }
  // A driver that ends meanwhile moves itself to finished_drivers_ under the lock: wait for
  // all of them without holding it.
  while (true) {
    std::unique_lock lock(mutex_);
    if (drivers_.empty()) {
      finished = std::move(finished_drivers_);
      break;
    }
    drivers = std::move(drivers_);
    drivers_.clear();
    lock.unlock();
    for (auto& [ticket, driver] : drivers) driver.join();
  }
  for (auto& driver : finished) driver.join();
}

LocalActivities::Ticket LocalActivities::Start(interpreter::ScheduleActivity activity,
                                               std::string workflow_id, std::string run_id,
                                               Done done) {
  auto execution = std::make_shared<Execution>();
  execution->activity = std::move(activity);
  execution->workflow_id = std::move(workflow_id);
  execution->run_id = std::move(run_id);
  execution->done = std::move(done);
  std::vector<std::thread> finished;
  Ticket ticket = 0;
  {
    std::lock_guard lock(mutex_);
    finished = std::move(finished_drivers_);
    finished_drivers_.clear();
    ticket = next_ticket_++;
    if (stopping_) execution->cancelled = true;
    running_[ticket] = execution;
    drivers_[ticket] = std::thread([this, ticket, execution] {
      Drive(execution);
      std::lock_guard self_lock(mutex_);
      running_.erase(ticket);
      if (auto self = drivers_.find(ticket); self != drivers_.end()) {
        finished_drivers_.push_back(std::move(self->second));
        drivers_.erase(self);
      }
    });
  }
  for (auto& driver : finished) driver.join();
  return ticket;
}

void LocalActivities::Cancel(Ticket ticket) {
  std::shared_ptr<Execution> execution;
  {
    std::lock_guard lock(mutex_);
    auto found = running_.find(ticket);
    if (found == running_.end()) return;
    execution = found->second;
  }
  std::lock_guard lock(execution->mutex);
  execution->cancelled = true;
  if (execution->context) execution->context->Cancel();
  execution->changed.notify_all();
}

std::uint64_t LocalActivities::attempts_started() const {
  std::lock_guard lock(mutex_);
  return attempts_started_;
}

void LocalActivities::Drive(std::shared_ptr<Execution> execution) {
  const interpreter::ScheduleActivity& spec = execution->activity;
  const Clock::time_point scheduled = Clock::now();
  std::optional<Clock::time_point> schedule_deadline;
  if (spec.timeouts.schedule_to_close)
    schedule_deadline = scheduled + *spec.timeouts.schedule_to_close;

  // Delivers the outcome unless the activity was cancelled; under the execution's lock, so
  // that nothing is delivered once Cancel() has returned.
  auto deliver = [&](std::int32_t attempt, ActivityResolution resolution) {
    std::lock_guard lock(execution->mutex);
    if (execution->cancelled) return;
    execution->done(LocalActivityOutcome{.seq = spec.seq,
                                         .activity_id = spec.activity_id,
                                         .activity_type = spec.activity_type,
                                         .attempt = attempt,
                                         .resolution = std::move(resolution)});
  };

  for (std::int32_t attempt = 1;; ++attempt) {
    const Clock::time_point started = Clock::now();
    Clock::time_point deadline = Clock::time_point::max();
    if (spec.timeouts.start_to_close) deadline = started + *spec.timeouts.start_to_close;
    if (schedule_deadline) deadline = std::min(deadline, *schedule_deadline);
    auto context = std::make_shared<activity::LocalActivityContext>(
        activity::ActivityInfo{.activity_type = spec.activity_type,
                               .workflow_id = execution->workflow_id,
                               .run_id = execution->run_id,
                               .activity_id = spec.activity_id,
                               .attempt = attempt,
                               .scheduled_time = scheduled,
                               .started_time = started,
                               .deadline = deadline});
    {
      std::lock_guard lock(execution->mutex);
      if (execution->cancelled) return;
      execution->attempt = attempt;
      execution->result.reset();
      execution->context = context;
    }
    {
      std::lock_guard lock(mutex_);
      ++attempts_started_;
    }
    const auto attempt_ticket = pool_.Submit([execution, context, attempt, &registry = registry_] {
      activity::ActivityResult result =
          registry.Execute(execution->activity.activity_type, execution->activity.input, *context);
      std::lock_guard lock(execution->mutex);
      if (execution->attempt != attempt) return;  // abandoned: nobody waits for it
      execution->result = std::move(result);
      execution->changed.notify_all();
    });

    std::unique_lock lock(execution->mutex);
    auto ended = [&] { return execution->result.has_value() || execution->cancelled; };
    const bool in_time = deadline == Clock::time_point::max()
                             ? (execution->changed.wait(lock, ended), true)
                             : execution->changed.wait_until(lock, deadline, ended);
    if (execution->cancelled) return;  // the attempt sees IsCancelled() and ends by itself
    run::AttemptFailure failure;
    if (!in_time) {
      execution->attempt = 0;
      execution->context.reset();
      lock.unlock();
      context->Cancel();
      pool_.Abandon(attempt_ticket);
      failure.timeout = schedule_deadline && deadline == *schedule_deadline
                            ? run::TimeoutType::kScheduleToClose
                            : run::TimeoutType::kStartToClose;
    } else {
      activity::ActivityResult result = std::move(*execution->result);
      execution->attempt = 0;
      execution->context.reset();
      lock.unlock();
      if (result) {
        return deliver(attempt, {.status = ActivityResolution::Status::kCompleted,
                                 .result = std::move(*result)});
      }
      failure.error = std::move(result.error());
    }
    run::RetryDecision decision =
        run::DecideRetry(spec, attempt, failure, UnixMs(scheduled), UnixMs(Clock::now()));
    if (!decision.retry) {
      return deliver(attempt, {.status = ActivityResolution::Status::kFailed,
                               .failure = std::move(decision.failure)});
    }
    lock.lock();
    const Clock::time_point next{std::chrono::milliseconds(decision.next_attempt_at_ms)};
    if (execution->changed.wait_until(lock, next, [&] { return execution->cancelled; })) return;
  }
}

}  // namespace weft::temporal
