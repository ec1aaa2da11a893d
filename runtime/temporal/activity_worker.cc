#include "runtime/temporal/activity_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "runtime/run/random_id.h"
#include "runtime/temporal/failure.h"
#include "runtime/temporal/payload.h"
#include "runtime/temporal/proto_time.h"
#include "runtime/temporal/worker_shutdown.h"
#include "temporal/api/enums/v1/task_queue.pb.h"

namespace weft::temporal {
namespace {

namespace workflowservice = ::temporal::api::workflowservice::v1;
namespace enums = ::temporal::api::enums::v1;
using Stub = Connection::WorkflowService::Stub;

Failure ActivityFailure(const activity::ActivityError& error) {
  Failure failure;
  failure.set_message(error.message);
  failure.set_source("weft");
  failure.set_stack_trace(error.stack_trace);
  auto& info = *failure.mutable_application_failure_info();
  info.set_type(error.type);
  info.set_non_retryable(error.non_retryable);
  if (!error.details.is_null()) *info.mutable_details() = ToPayloads(error.details);
  if (error.next_retry_delay) SetDuration(info.mutable_next_retry_delay(), *error.next_retry_delay);
  return failure;
}

}  // namespace

// The context of one attempt: heartbeats go to the server, cancellation comes back from it.
class ActivityWorker::Context final : public activity::ActivityContext {
 public:
  Context(const Connection& connection, std::string task_token, activity::ActivityInfo info,
          std::chrono::milliseconds heartbeat_interval)
      : connection_(connection),
        task_token_(std::move(task_token)),
        info_(std::move(info)),
        heartbeat_interval_(heartbeat_interval) {}

  const activity::ActivityInfo& Info() const override { return info_; }

  void Heartbeat(const nlohmann::json& details) override {
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mutex_);
      last_details_ = details;
      if (sent_once_ && now - last_sent_ < heartbeat_interval_) return;
      sent_once_ = true;
      last_sent_ = now;
    }
    workflowservice::RecordActivityTaskHeartbeatRequest request;
    request.set_namespace_(connection_.options().namespace_name);
    request.set_task_token(task_token_);
    request.set_identity(connection_.options().identity);
    *request.mutable_details() = ToPayloads(details);
    auto response = connection_.Call(&Stub::RecordActivityTaskHeartbeat,
                                     "RecordActivityTaskHeartbeat", request);
    if (response && response->cancel_requested()) {
      Cancel();
    } else if (!response && response.error().code == grpc::StatusCode::NOT_FOUND) {
      Cancel();  // the attempt is gone: timed out, or the workflow closed
    } else if (!response) {
      spdlog::warn("activity {}: {}", info_.activity_id, response.error().ToString());
    }
  }

  bool IsCancelled() const override { return cancelled_.load(); }

  bool WaitForCancel(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mutex_);
    cancel_signal_.wait_for(lock, timeout, [this] { return cancelled_.load(); });
    return cancelled_.load();
  }

  void Log(activity::LogLevel level, std::string_view message) override {
    const auto text = fmt::format("activity {} ({}, workflow {}): {}", info_.activity_type,
                                  info_.activity_id, info_.workflow_id, message);
    switch (level) {
      case activity::LogLevel::kDebug:
        spdlog::debug("{}", text);
        break;
      case activity::LogLevel::kInfo:
        spdlog::info("{}", text);
        break;
      case activity::LogLevel::kWarn:
        spdlog::warn("{}", text);
        break;
      case activity::LogLevel::kError:
        spdlog::error("{}", text);
        break;
    }
  }

  void Cancel() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    cancel_signal_.notify_all();
  }

  nlohmann::json LastDetails() const {
    std::lock_guard lock(mutex_);
    return last_details_;
  }

 private:
  const Connection& connection_;
  std::string task_token_;
  activity::ActivityInfo info_;
  std::chrono::milliseconds heartbeat_interval_;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  std::condition_variable cancel_signal_;
  nlohmann::json last_details_;
  bool sent_once_ = false;
  std::chrono::steady_clock::time_point last_sent_{};
};

ActivityWorker::ActivityWorker(std::shared_ptr<Connection> connection,
                               ActivityWorkerOptions options,
                               const activity::ActivityRegistry& registry)
    : connection_(std::move(connection)),
      options_(std::move(options)),
      registry_(registry),
      worker_instance_key_(run::NewUuid()) {
  metrics_ = options_.metrics ? options_.metrics
                              : std::make_shared<metrics::SdkMetrics>(
                                    std::make_shared<metrics::MetricsRegistry>(),
                                    connection_->options().namespace_name, options_.task_queue);
}

void ActivityWorker::NotifyIfStoppingLocked() {
  // Only Run() and Stop() wait on stopped_, and only once stopping: a notification while the
  // worker runs would wake Run()'s thread for nothing, several times a task.
  if (stopping_) stopped_.notify_all();
}

void ActivityWorker::ReportSlots() {
  // A poll's slot waits for the task it may bring: taken, not yet used.
  const int max = std::max(1, options_.max_concurrent);
  metrics_->TaskSlots(metrics::WorkerType::kActivity, max - slots_taken_,
                      std::max(0, slots_taken_ - polls_out_));
}

void ActivityWorker::Run() {
  spdlog::info("polling activity tasks on {} ({} pollers, up to {} at once)", options_.task_queue,
               options_.pollers, options_.max_concurrent);
  PollIfSlotFree();
  std::vector<std::thread> executors;
  {
    std::unique_lock lock(mutex_);
    // Stopped, the poll back, every task run and answered.
    stopped_.wait(lock, [this] {
      return stopping_ && polls_out_ == 0 && slots_taken_ == 0 && answers_in_flight_ == 0;
    });
    executors_exit_ = true;
    executors.swap(executors_);
  }
  tasks_queued_.notify_all();
  for (std::thread& executor : executors) executor.join();
  AnnounceShutdown(*connection_, options_.task_queue, worker_instance_key_);
  spdlog::info("activity worker on {} stopped ({} tasks, {} of them eager)", options_.task_queue,
               tasks_started_.load(), eager_tasks_started_.load());
}

bool ActivityWorker::TakePollSlotLocked() {
  if (stopping_ || polls_out_ >= std::max(1, options_.pollers) ||
      slots_taken_ >= std::max(1, options_.max_concurrent)) {
    return false;
  }
  ++polls_out_;
  ++slots_taken_;  // the poll's: a task it brings must have somewhere to run
  ReportSlots();
  return true;
}

void ActivityWorker::PollIfSlotFree() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (!TakePollSlotLocked()) return;
    }
    StartPoll();
  }
}

void ActivityWorker::StartPoll() {
  workflowservice::PollActivityTaskQueueRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  request.mutable_task_queue()->set_name(options_.task_queue);
  request.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  request.set_identity(connection_->options().identity);
  request.set_worker_instance_key(worker_instance_key_);
  auto context = connection_->NewPollContext();
  grpc::ClientContext* poll = context.get();
  {
    std::lock_guard lock(mutex_);
    polls_.insert(poll);
    if (stopping_) poll->TryCancel();  // takes effect when the call starts
  }
  metrics_->PollsInFlight(metrics::PollerType::kActivityTask, +1);
  connection_->CallAsync(&Stub::PrepareAsyncPollActivityTaskQueue, "PollActivityTaskQueue",
                         std::move(context), request,
                         [this, poll](std::expected<ActivityTask, RpcError> polled) {
                           OnPolled(poll, std::move(polled));
                         });
}

void ActivityWorker::OnPolled(grpc::ClientContext* poll,
                              std::expected<ActivityTask, RpcError> polled) {
  {
    std::lock_guard lock(mutex_);
    polls_.erase(poll);
  }
  metrics_->PollsInFlight(metrics::PollerType::kActivityTask, -1);
  if (polled) {
    metrics_->ActivityPolled(polled->task_token().empty()
                                 ? std::nullopt
                                 : std::optional<metrics::SdkMetrics::Millis>(
                                       ToTimePoint(polled->started_time()) -
                                       ToTimePoint(polled->current_attempt_scheduled_time())));
  }
  if (polled && !polled->task_token().empty()) {
    poll_backoff_.Reset();
    // The poll's slot becomes the task's. A task that arrives as Stop() cancels the poll still
    // runs: the server has started it.
    Enqueue(std::move(*polled));
  } else {
    std::lock_guard lock(mutex_);
    --slots_taken_;
    ReportSlots();
  }
  if (!polled && !stopping_ && polled.error().code != grpc::StatusCode::DEADLINE_EXCEEDED) {
    connection_->loop().After(poll_backoff_.After(polled.error(), options_.task_queue),
                              [this] { PollAgain(); });
    return;
  }
  PollAgain();
}

void ActivityWorker::PollAgain() {
  {
    std::lock_guard lock(mutex_);
    --polls_out_;
    ReportSlots();
    NotifyIfStoppingLocked();
    // The next poll's slot is taken in the same critical section: once this poll is no longer
    // counted and none replaces it, Run() may return and the worker be destroyed, so nothing
    // after the lock may touch it.
    if (!TakePollSlotLocked()) return;
  }
  StartPoll();
  PollIfSlotFree();
}

void ActivityWorker::Stop() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  for (grpc::ClientContext* poll : polls_) poll->TryCancel();
  connection_->loop().FireTimersNow();  // a poll backing off stops waiting
  stopped_.notify_all();
  // The activities in flight get the graceful shutdown period to finish (their results still
  // go out) before they are told to stop, as the SDKs' graceful shutdown timeout gives them.
  if (options_.graceful_shutdown.count() > 0) {
    stopped_.wait_for(lock, options_.graceful_shutdown, [this] { return contexts_.empty(); });
  }
  for (Context* context : contexts_) context->Cancel();
}

bool ActivityWorker::Serves(std::string_view task_queue, std::string_view activity_type) const {
  return task_queue == options_.task_queue && registry_.Serves(activity_type);
}

bool ActivityWorker::TryReserveSlot() {
  std::lock_guard lock(mutex_);
  if (stopping_ || slots_taken_ >= std::max(1, options_.max_concurrent)) return false;
  ++slots_taken_;
  ReportSlots();
  return true;
}

void ActivityWorker::ReleaseSlots(int count) {
  if (count <= 0) return;
  {
    std::lock_guard lock(mutex_);
    slots_taken_ -= count;
    ReportSlots();
    NotifyIfStoppingLocked();
  }
  PollIfSlotFree();
}

void ActivityWorker::RunInReservedSlot(ActivityTask task) {
  ++eager_tasks_started_;
  Enqueue(std::move(task));
}

void ActivityWorker::Enqueue(ActivityTask task) {
  ++tasks_started_;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
    // Another executor only when every one is busy: their number grows to the most activities
    // that ran at once, and each keeps its Lua sandbox between tasks.
    if (idle_executors_ < static_cast<int>(queue_.size())) {
      executors_.emplace_back([this] { ExecutorLoop(); });
    }
  }
  tasks_queued_.notify_one();
}

void ActivityWorker::ExecutorLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    ++idle_executors_;
    tasks_queued_.wait(lock, [this] { return executors_exit_ || !queue_.empty(); });
    --idle_executors_;
    if (queue_.empty()) return;  // executors_exit_
    ActivityTask task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Execute(std::move(task));
    lock.lock();
    --slots_taken_;
    ReportSlots();
    NotifyIfStoppingLocked();
    if (polls_out_ < std::max(1, options_.pollers)) {
      lock.unlock();
      PollIfSlotFree();  // a poll waited for this slot
      lock.lock();
    }
  }
}

void ActivityWorker::Execute(ActivityTask task) {
  const auto received = std::chrono::steady_clock::now();
  activity::ActivityInfo info{.activity_type = task.activity_type().name(),
                              .workflow_id = task.workflow_execution().workflow_id(),
                              .run_id = task.workflow_execution().run_id(),
                              .activity_id = task.activity_id(),
                              .attempt = task.attempt(),
                              .scheduled_time = ToTimePoint(task.scheduled_time()),
                              .started_time = ToTimePoint(task.started_time())};
  if (task.has_start_to_close_timeout() && ToMillis(task.start_to_close_timeout()).count() > 0) {
    info.deadline = info.started_time + ToMillis(task.start_to_close_timeout());
  }
  if (task.has_schedule_to_close_timeout() &&
      ToMillis(task.schedule_to_close_timeout()).count() > 0) {
    info.deadline =
        std::min(info.deadline, info.scheduled_time + ToMillis(task.schedule_to_close_timeout()));
  }
  if (task.has_heartbeat_details()) {
    auto details = FromPayloads(task.heartbeat_details());
    if (details) info.heartbeat_details = std::move(*details);
  }
  auto heartbeat_interval = std::chrono::milliseconds(30'000);
  if (task.has_heartbeat_timeout() && ToMillis(task.heartbeat_timeout()).count() > 0) {
    heartbeat_interval = ToMillis(task.heartbeat_timeout()) * 4 / 5;
  }

  Context context(*connection_, task.task_token(), info, heartbeat_interval);
  {
    std::lock_guard lock(mutex_);
    contexts_.insert(&context);
    if (stopping_) context.Cancel();
  }
  activity::ActivityResult result = [&]() -> activity::ActivityResult {
    auto input = FromPayloads(task.input());
    if (!input) return std::unexpected(activity::ActivityError::InvalidInput(input.error()));
    return registry_.Execute(info.activity_type, *input, context);
  }();
  {
    std::lock_guard lock(mutex_);
    contexts_.erase(&context);
    NotifyIfStoppingLocked();  // a graceful Stop() may be waiting for the last one
  }
  const bool was_cancelled = !result &&
                             result.error().category == activity::ErrorCategory::kCancelled &&
                             context.IsCancelled();
  metrics_->ActivityExecuted(info.activity_type, task.workflow_type().name(),
                             std::chrono::steady_clock::now() - received,
                             !result && !was_cancelled);

  const std::string& namespace_name = connection_->options().namespace_name;
  const std::string& identity = connection_->options().identity;
  // NOT_FOUND: the attempt already timed out or was cancelled; the server moved on.
  std::string about = "activity " + info.activity_id + " of workflow " + info.workflow_id;
  if (result) {
    workflowservice::RespondActivityTaskCompletedRequest completed;
    completed.set_namespace_(namespace_name);
    completed.set_task_token(task.task_token());
    completed.set_identity(identity);
    *completed.mutable_result() = ToPayloads(*result);
    Answer(&Stub::PrepareAsyncRespondActivityTaskCompleted, "RespondActivityTaskCompleted",
           completed, std::move(about));
  } else if (was_cancelled) {
    workflowservice::RespondActivityTaskCanceledRequest cancelled;
    cancelled.set_namespace_(namespace_name);
    cancelled.set_task_token(task.task_token());
    cancelled.set_identity(identity);
    if (!result.error().details.is_null()) {
      *cancelled.mutable_details() = ToPayloads(result.error().details);
    }
    Answer(&Stub::PrepareAsyncRespondActivityTaskCanceled, "RespondActivityTaskCanceled", cancelled,
           std::move(about));
  } else {
    workflowservice::RespondActivityTaskFailedRequest failed;
    failed.set_namespace_(namespace_name);
    failed.set_task_token(task.task_token());
    failed.set_identity(identity);
    *failed.mutable_failure() = ActivityFailure(result.error());
    if (nlohmann::json details = context.LastDetails(); !details.is_null()) {
      *failed.mutable_last_heartbeat_details() = ToPayloads(details);
    }
    Answer(&Stub::PrepareAsyncRespondActivityTaskFailed, "RespondActivityTaskFailed", failed,
           std::move(about));
  }
}

template <typename Request, typename Response>
void ActivityWorker::Answer(
    CallLoop::PrepareMethod<Connection::WorkflowService::Stub, Request, Response> method,
    std::string_view method_name, const Request& request, std::string about) {
  {
    std::lock_guard lock(mutex_);
    ++answers_in_flight_;
  }
  connection_->CallAsync(method, method_name, connection_->NewCallContext(), request,
                         [this, about = std::move(about)](std::expected<Response, RpcError> sent) {
                           if (!sent) spdlog::warn("{}: {}", about, sent.error().ToString());
                           std::lock_guard lock(mutex_);
                           --answers_in_flight_;
                           NotifyIfStoppingLocked();
                         });
}

}  // namespace weft::temporal
