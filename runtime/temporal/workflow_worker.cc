#include "runtime/temporal/workflow_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <thread>
#include <vector>

#include "runtime/interpreter/workflow_instance.h"
#include "runtime/run/random_id.h"
#include "runtime/temporal/command_encoder.h"
#include "runtime/temporal/failure.h"
#include "runtime/temporal/payload.h"
#include "runtime/temporal/proto_time.h"
#include "runtime/temporal/worker_shutdown.h"
#include "runtime/trace/command_trace.h"
#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "temporal/api/enums/v1/failed_cause.pb.h"
#include "temporal/api/enums/v1/query.pb.h"
#include "temporal/api/protocol/v1/message.pb.h"
#include "temporal/api/update/v1/message.pb.h"

namespace weft::temporal {

// An update request delivered with a task, as the answer must cite it. Outside the anonymous
// namespace: WorkflowWorker::OpenTask, which has external linkage, holds them.
struct TaskUpdateRequest {
  std::string message_id;
  std::int64_t sequencing_event_id = 0;
  ::temporal::api::update::v1::Request request;
};

namespace {

namespace workflowservice = ::temporal::api::workflowservice::v1;
namespace enums = ::temporal::api::enums::v1;
using Stub = Connection::WorkflowService::Stub;

nlohmann::json DecodeOrNull(const Payloads& payloads) {
  auto value = FromPayloads(payloads);
  return value ? std::move(*value) : nlohmann::json(nullptr);
}

// A query's answer as the SDKs write it: the run's metadata as the protobuf message the UI and
// the SDKs' clients decode, anything else as plain JSON.
Payloads QueryAnswer(const std::string& query_type, const nlohmann::json& result) {
  if (query_type == interpreter::kMetadataQuery) {
    return ToProtoJsonPayloads(result, "temporal.api.sdk.v1.WorkflowMetadata");
  }
  return ToPayloads(result);
}

// The SDK name the Temporal UI shows for a run is the last one its workflow task completions
// recorded; like the SDKs, the worker records its own once per run, not on every task. The UI
// shows the part after the first dash, as for "temporal-go".
constexpr char kSdkName[] = "temporal-weft";

bool SdkRecorded(const std::vector<const HistoryEvent*>& history) {
  std::string name;
  std::string version;
  for (const HistoryEvent* event : history) {
    if (event->event_type() != enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED) continue;
    const auto& metadata = event->workflow_task_completed_event_attributes().sdk_metadata();
    if (!metadata.sdk_name().empty()) name = metadata.sdk_name();
    if (!metadata.sdk_version().empty()) version = metadata.sdk_version();
  }
  return name == kSdkName && version == WEFT_VERSION;
}

// Turns an update command into its protocol message (docs/temporal-protocol.md#updates):
// acceptance and completion also get a PROTOCOL_MESSAGE command at their place among the
// commands; a rejection is a message only. False for any other command.
bool AddUpdateMessage(const interpreter::Command& command,
                      const std::map<std::string, TaskUpdateRequest>& updates,
                      const std::string& identity,
                      workflowservice::RespondWorkflowTaskCompletedRequest& completed) {
  auto reference = [&](const std::string& message_id) {
    auto& protocol = *completed.add_commands();
    protocol.set_command_type(enums::COMMAND_TYPE_PROTOCOL_MESSAGE);
    protocol.mutable_protocol_message_command_attributes()->set_message_id(message_id);
  };
  auto add_message = [&](const std::string& update_id, const std::string& suffix) {
    auto& message = *completed.add_messages();
    message.set_id(update_id + "/" + suffix);
    message.set_protocol_instance_id(update_id);
    return &message;
  };
  if (const auto* accept = std::get_if<interpreter::AcceptUpdate>(&command)) {
    auto update = updates.find(accept->id);
    if (update == updates.end()) return true;  // accepted in an earlier task
    ::temporal::api::update::v1::Acceptance acceptance;
    acceptance.set_accepted_request_message_id(update->second.message_id);
    acceptance.set_accepted_request_sequencing_event_id(update->second.sequencing_event_id);
    *acceptance.mutable_accepted_request() = update->second.request;
    auto* message = add_message(accept->id, "accept");
    message->mutable_body()->PackFrom(acceptance);
    reference(message->id());
    return true;
  }
  if (const auto* reject = std::get_if<interpreter::RejectUpdate>(&command)) {
    auto update = updates.find(reject->id);
    if (update == updates.end()) return true;
    ::temporal::api::update::v1::Rejection rejection;
    rejection.set_rejected_request_message_id(update->second.message_id);
    rejection.set_rejected_request_sequencing_event_id(update->second.sequencing_event_id);
    *rejection.mutable_rejected_request() = update->second.request;
    *rejection.mutable_failure() = ToTemporalFailure(reject->failure);
    add_message(reject->id, "reject")->mutable_body()->PackFrom(rejection);
    return true;
  }
  if (const auto* complete = std::get_if<interpreter::CompleteUpdate>(&command)) {
    ::temporal::api::update::v1::Response response;
    response.mutable_meta()->set_update_id(complete->id);
    response.mutable_meta()->set_identity(identity);
    if (complete->failure) {
      *response.mutable_outcome()->mutable_failure() = ToTemporalFailure(*complete->failure);
    } else {
      *response.mutable_outcome()->mutable_success() =
          ToPayloads(complete->result.value_or(nullptr));
    }
    auto* message = add_message(complete->id, "complete");
    message->mutable_body()->PackFrom(response);
    reference(message->id());
    return true;
  }
  return false;
}

}  // namespace

struct WorkflowWorker::OpenTask {
  std::string workflow_id;
  std::string run_id;
  std::int64_t started_event_id = 0;
  std::chrono::steady_clock::time_point answer_by;   // 80% of the workflow task timeout
  std::map<std::string, TaskUpdateRequest> updates;  // riding on the task
  std::vector<interpreter::QueryWorkflow> queries;   // riding on the task
  workflowservice::RespondWorkflowTaskCompletedRequest completed;
  std::vector<interpreter::Command> issued;  // by the interpreter, for the trace
  CachedRun cached;
  bool closes = false;
  int eager_slots = 0;
  bool timer_started = false;
  bool time_is_up = false;  // answer_by has come
  bool answered = false;
  std::chrono::steady_clock::time_point received;  // polled
  bool replayed = false;                           // replayed earlier history, a cache miss
  std::optional<metrics::WorkflowClose> close;     // how the run closes with this task
};

std::optional<std::int64_t> FindRequestedVersion(const std::vector<const HistoryEvent*>& history) {
  if (history.empty() || !history.front()->has_workflow_execution_started_event_attributes()) {
    return std::nullopt;
  }
  const auto& header =
      history.front()->workflow_execution_started_event_attributes().header().fields();
  auto found = header.find(std::string(kVersionHeader));
  if (found == header.end()) return std::nullopt;
  auto value = FromPayload(found->second);
  if (!value || !value->is_number_integer()) return std::nullopt;
  return value->get<std::int64_t>();
}

std::optional<nlohmann::json> FindDefinitionPin(const std::vector<const HistoryEvent*>& history) {
  // The interpreter records the pin in its first activation, so the marker is among the first
  // task's command events: stop at the second task's start.
  bool completed_first_task = false;
  for (const HistoryEvent* event : history) {
    switch (event->event_type()) {
      case enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        completed_first_task = true;
        break;
      case enums::EVENT_TYPE_WORKFLOW_TASK_STARTED:
        if (completed_first_task) return std::nullopt;
        break;
      case enums::EVENT_TYPE_MARKER_RECORDED: {
        const auto& attributes = event->marker_recorded_event_attributes();
        if (attributes.marker_name() != interpreter::kDefinitionMarker) break;
        // A pin that does not decode is still a pin: the factory must refuse it rather than
        // fall back to the catalog.
        auto data = attributes.details().find("data");
        if (data == attributes.details().end()) return nlohmann::json{{"undecoded", "no data"}};
        auto pin = FromPayloads(data->second);
        if (!pin) return nlohmann::json{{"undecoded", pin.error()}};
        return std::move(*pin);
      }
      default:
        break;
    }
  }
  return std::nullopt;
}

WorkflowWorker::WorkflowWorker(std::shared_ptr<Connection> connection,
                               WorkflowWorkerOptions options, InterpreterFactory factory,
                               EagerActivities* eager_activities, LocalActivities* local_activities)
    : connection_(std::move(connection)),
      options_(std::move(options)),
      factory_(std::move(factory)),
      eager_activities_(eager_activities),
      local_activities_(local_activities),
      worker_instance_key_(run::NewUuid()) {
  metrics_ = options_.metrics ? options_.metrics
                              : std::make_shared<metrics::SdkMetrics>(
                                    std::make_shared<metrics::MetricsRegistry>(),
                                    connection_->options().namespace_name, options_.task_queue);
  if (options_.max_cached_runs > 0) {
    sticky_queue_ = connection_->options().identity + "-" + worker_instance_key_;
  }
}

void WorkflowWorker::Run() {
  const int sticky_pollers = sticky_queue_.empty() ? 0 : std::max(1, options_.sticky_pollers);
  spdlog::info("polling workflow tasks on {} ({} pollers, {} on the sticky queue, namespace {})",
               options_.task_queue, std::max(1, options_.pollers), sticky_pollers,
               connection_->options().namespace_name);
  for (int i = 0; i < std::max(1, options_.pollers); ++i) {
    StartPoll(std::make_shared<Poller>(Poller{.sticky = false}));
  }
  // The tasks of runs held in this worker's cache.
  for (int i = 0; i < sticky_pollers; ++i)
    StartPoll(std::make_shared<Poller>(Poller{.sticky = true}));
  {
    std::unique_lock lock(polls_mutex_);
    calls_done_.wait(lock, [this] { return stopping_ && calls_in_flight_ == 0; });
  }
  AnnounceShutdown(*connection_, options_.task_queue, worker_instance_key_, sticky_queue_);
  spdlog::info("workflow worker on {} stopped ({} tasks, {} of them replayed from the start)",
               options_.task_queue, tasks_handled_.load(), full_replays_.load());
}

void WorkflowWorker::Stop() {
  std::lock_guard lock(polls_mutex_);
  stopping_ = true;
  for (grpc::ClientContext* poll : polls_) poll->TryCancel();
  connection_->loop().FireTimersNow();  // a poll backing off stops waiting
}

void WorkflowWorker::StartPoll(std::shared_ptr<Poller> poller) {
  workflowservice::PollWorkflowTaskQueueRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  if (poller->sticky) {
    request.mutable_task_queue()->set_name(sticky_queue_);
    request.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_STICKY);
    request.mutable_task_queue()->set_normal_name(options_.task_queue);
  } else {
    request.mutable_task_queue()->set_name(options_.task_queue);
    request.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  }
  request.set_identity(connection_->options().identity);
  request.set_worker_instance_key(worker_instance_key_);

  auto context = connection_->NewPollContext();
  grpc::ClientContext* poll = context.get();
  {
    std::lock_guard lock(polls_mutex_);
    if (stopping_) return;
    polls_.insert(poll);
    ++calls_in_flight_;
  }
  const metrics::PollerType poller_type = poller->sticky ? metrics::PollerType::kStickyWorkflowTask
                                                         : metrics::PollerType::kWorkflowTask;
  metrics_->PollsInFlight(poller_type, +1);
  connection_->CallAsync(
      &Stub::PrepareAsyncPollWorkflowTaskQueue, "PollWorkflowTaskQueue", std::move(context),
      request, [this, poller, poll, poller_type](std::expected<PollResponse, RpcError> polled) {
        {
          std::lock_guard lock(polls_mutex_);
          polls_.erase(poll);
        }
        metrics_->PollsInFlight(poller_type, -1);
        OnPolled(poller, std::move(polled));
        CallDone();
      });
}

void WorkflowWorker::OnPolled(std::shared_ptr<Poller> poller,
                              std::expected<PollResponse, RpcError> polled) {
  if (stopping_) return;
  if (!polled && polled.error().code != grpc::StatusCode::DEADLINE_EXCEEDED) {
    const auto wait = poller->backoff.After(polled.error(), options_.task_queue);
    {
      std::lock_guard lock(polls_mutex_);
      ++calls_in_flight_;  // the timer's
    }
    connection_->loop().After(wait, [this, poller] {
      StartPoll(poller);
      CallDone();
    });
    return;
  }
  // The next poll goes out before this task is handled, so the server always has one.
  StartPoll(poller);
  if (!polled) return;  // the long poll's deadline passed
  poller->backoff.Reset();
  if (polled->task_token().empty()) {
    metrics_->WorkflowTaskPolled(std::nullopt);  // the server's long poll ended empty
    return;
  }
  metrics_->WorkflowTaskPolled(ToTimePoint(polled->started_time()) -
                               ToTimePoint(polled->scheduled_time()));
  Handle(*polled);
}

std::size_t WorkflowWorker::polls_in_flight() const {
  std::lock_guard lock(polls_mutex_);
  return polls_.size();
}

void WorkflowWorker::CallDone() {
  std::lock_guard lock(polls_mutex_);
  if (--calls_in_flight_ == 0) calls_done_.notify_all();
}

template <typename Request, typename Response, typename Done>
void WorkflowWorker::Send(
    CallLoop::PrepareMethod<Connection::WorkflowService::Stub, Request, Response> method,
    std::string_view method_name, const Request& request, Done done) {
  {
    std::lock_guard lock(polls_mutex_);
    ++calls_in_flight_;
  }
  connection_->CallAsync(
      method, method_name, connection_->NewCallContext(), request,
      [this, done = std::move(done)](std::expected<Response, RpcError> sent) mutable {
        done(std::move(sent));
        CallDone();
      });
}

void WorkflowWorker::Handle(const workflowservice::PollWorkflowTaskQueueResponse& task) {
  if (auto answering = answering_.find(task.workflow_execution().run_id());
      answering != answering_.end()) {
    answering->second.push_back(task);  // handled once the answer's reply is in
    return;
  }
  const auto received = std::chrono::steady_clock::now();
  ++tasks_handled_;
  const std::string& workflow_id = task.workflow_execution().workflow_id();
  const std::string& run_id = task.workflow_execution().run_id();
  const std::string& type = task.workflow_type().name();
  const std::string& namespace_name = connection_->options().namespace_name;

  auto fail_task = [&](enums::WorkflowTaskFailedCause cause, const std::string& message) {
    spdlog::error("workflow {} ({}), run {}: {}", workflow_id, type, run_id, message);
    metrics_->WorkflowTaskFailed(
        type, cause == enums::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
    // Reported on the first attempt only; later attempts time out, as sdk-core does, so that a
    // broken task does not spin between server and worker.
    if (task.attempt() > 1) return;
    workflowservice::RespondWorkflowTaskFailedRequest failed;
    failed.set_namespace_(namespace_name);
    failed.set_task_token(task.task_token());
    failed.set_cause(cause);
    failed.set_identity(connection_->options().identity);
    *failed.mutable_failure() = ToTemporalFailure(interpreter::Failure{
        .kind = cause == enums::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR
                    ? interpreter::Failure::Kind::kNonDeterminism
                    : interpreter::Failure::Kind::kApplication,
        .type = cause == enums::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR
                    ? "NonDeterminismError"
                    : "WorkflowTaskError",
        .message = message});
    Send(&Stub::PrepareAsyncRespondWorkflowTaskFailed, "RespondWorkflowTaskFailed", failed,
         [](std::expected<workflowservice::RespondWorkflowTaskFailedResponse, RpcError> sent) {
           if (!sent) spdlog::warn("{}", sent.error().ToString());
         });
  };

  // A run this worker answered last continues from its cache when the task carries exactly
  // the events since; anything else (a new run, another worker's run, a gap) replays in full.
  CachedRun cached = TakeCachedRun(run_id);
  std::vector<::temporal::api::history::v1::HistoryEvent> events(task.history().events().begin(),
                                                                 task.history().events().end());
  const std::int64_t first_event_id = events.empty() ? 0 : events.front().event_id();
  const bool continues_cache =
      cached.run != nullptr &&
      (task.has_query() ? events.empty() : first_event_id == cached.last_started_event_id + 1);
  if (!continues_cache && cached.run != nullptr) {
    SyncLocals(cached, workflow_id, run_id, /*closes=*/true);  // replayed afresh below
  }
  if (!continues_cache) cached = CachedRun{};
  if (continues_cache && !task.has_query()) metrics_->StickyCacheHit(type);
  if (!continues_cache && first_event_id != 1) {
    metrics_->StickyCacheMiss();  // a task with only the newest events, for a run not held here
    events.clear();               // fetch from the first event
  }
  // A query on a current cached run needs no history; anything else reads what it lacks.
  if (!(continues_cache && task.has_query()) && !FetchRestOfHistory(task, events)) {
    return;  // the task times out and comes back
  }
  std::vector<const HistoryEvent*> history;
  for (const auto& event : events) {
    // Pages past this task are stale; a query-only task (started_event_id 0) reads them all.
    if (task.started_event_id() != 0 && event.event_id() > task.started_event_id()) break;
    history.push_back(&event);
  }

  if (cached.run == nullptr) {
    auto interpreter = factory_(RunOrigin{.workflow_type = type,
                                          .definition_pin = FindDefinitionPin(history),
                                          .version = FindRequestedVersion(history)});
    if (!interpreter) {
      fail_task(enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                interpreter.error());
      return;
    }
    cached.run = std::make_unique<WorkflowRun>(std::move(*interpreter), workflow_id, run_id,
                                               options_.task_queue);
    cached.sdk_recorded = SdkRecorded(history);
    cached.workflow_type = type;
    if (!history.empty() && history.front()->has_workflow_execution_started_event_attributes()) {
      cached.started = ToTimePoint(history.front()->event_time());
      const auto& started = history.front()->workflow_execution_started_event_attributes();
      if (started.has_workflow_task_timeout() &&
          ToMillis(started.workflow_task_timeout()).count() > 0) {
        cached.task_timeout = ToMillis(started.workflow_task_timeout());
      }
    }
    ++full_replays_;
  }
  WorkflowRun& run = *cached.run;
  auto tasks = SplitIntoWorkflowTasks(history);
  if (!tasks) {
    fail_task(enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, tasks.error());
    return;
  }
  // Update requests riding on this task reach the workflow with its activation.
  std::map<std::string, TaskUpdateRequest> updates;
  std::vector<interpreter::Job> update_jobs;
  for (const auto& message : task.messages()) {
    TaskUpdateRequest update{.message_id = message.id(), .sequencing_event_id = message.event_id()};
    if (!message.body().UnpackTo(&update.request)) {
      spdlog::warn("workflow {}: ignoring protocol message {} of type {}", workflow_id,
                   message.id(), message.body().type_url());
      continue;
    }
    const auto& input = update.request.input();
    update_jobs.push_back(interpreter::DoUpdate{.id = update.request.meta().update_id(),
                                                .name = input.name(),
                                                .payload = DecodeOrNull(input.args()),
                                                .run_validator = true});
    updates[update.request.meta().update_id()] = std::move(update);
  }

  std::vector<interpreter::Command> commands;
  std::vector<interpreter::Command> issued;  // by the current task, for the trace
  for (const LogicalWorkflowTask& logical : *tasks) {
    const bool current = !logical.completed && logical.started_event_id != 0;
    auto applied =
        run.Apply(logical, current ? std::move(update_jobs) : std::vector<interpreter::Job>{});
    if (!applied) {
      fail_task(applied.error().kind == ReplayError::Kind::kNonDeterminism
                    ? enums::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR
                    : enums::WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                applied.error().message);
      return;
    }
    commands = std::move(*applied);
    issued = run.TakeIssued();
  }

  if (task.has_query()) {
    // A query-only task: history is replayed, nothing is sent but the answer. Never fail such
    // a task; a failure to answer is the query's (docs/temporal-protocol.md#queries).
    auto answer = run.Answer(
        {interpreter::QueryWorkflow{.id = "legacy",
                                    .name = task.query().query_type(),
                                    .payload = DecodeOrNull(task.query().query_args())}})[0];
    workflowservice::RespondQueryTaskCompletedRequest response;
    response.set_namespace_(namespace_name);
    response.set_task_token(task.task_token());
    if (answer.failure) {
      response.set_completed_type(enums::QUERY_RESULT_TYPE_FAILED);
      response.set_error_message(answer.failure->message);
      *response.mutable_failure() = ToTemporalFailure(*answer.failure);
    } else {
      response.set_completed_type(enums::QUERY_RESULT_TYPE_ANSWERED);
      *response.mutable_query_result() =
          QueryAnswer(task.query().query_type(), answer.result.value_or(nullptr));
    }
    Send(&Stub::PrepareAsyncRespondQueryTaskCompleted, "RespondQueryTaskCompleted", response,
         [workflow_id](
             std::expected<workflowservice::RespondQueryTaskCompletedResponse, RpcError> sent) {
           if (!sent) spdlog::warn("workflow {}: {}", workflow_id, sent.error().ToString());
         });
    // A query changes nothing: a run that was current stays so.
    if (continues_cache) PutCachedRun(run_id, std::move(cached));
    return;
  }

  auto open = std::make_shared<OpenTask>();
  open->workflow_id = workflow_id;
  open->run_id = run_id;
  open->started_event_id = task.started_event_id();
  open->answer_by = std::chrono::steady_clock::now() + cached.task_timeout * 4 / 5;
  open->received = received;
  open->replayed = !continues_cache && tasks->size() > 1;
  open->updates = std::move(updates);
  for (const auto& [id, query] : task.queries()) {
    open->queries.push_back(
        {.id = id, .name = query.query_type(), .payload = DecodeOrNull(query.query_args())});
  }
  auto& completed = open->completed;
  completed.set_namespace_(namespace_name);
  completed.set_task_token(task.task_token());
  completed.set_identity(connection_->options().identity);
  completed.set_return_new_workflow_task(false);
  if (!cached.sdk_recorded) {
    completed.mutable_sdk_metadata()->set_sdk_name(kSdkName);
    completed.mutable_sdk_metadata()->set_sdk_version(WEFT_VERSION);
  }
  if (!sticky_queue_.empty()) {
    auto& sticky = *completed.mutable_sticky_attributes();
    sticky.mutable_worker_task_queue()->set_name(sticky_queue_);
    sticky.mutable_worker_task_queue()->set_kind(enums::TASK_QUEUE_KIND_STICKY);
    sticky.mutable_worker_task_queue()->set_normal_name(options_.task_queue);
    sticky.mutable_schedule_to_start_timeout()->set_seconds(
        options_.sticky_schedule_to_start.count());
  }
  open->cached = std::move(cached);
  open->issued = std::move(issued);
  metrics_->TaskSlots(metrics::WorkerType::kWorkflow, std::nullopt, ++open_tasks_);
  AddCommands(*open, std::move(commands));
  Advance(std::move(open));
}

void WorkflowWorker::AddCommands(OpenTask& open, std::vector<interpreter::Command> commands) {
  const EncodeContext& context = open.cached.run->encode_context();
  for (const interpreter::Command& command : commands) {
    if (std::holds_alternative<interpreter::CompleteWorkflow>(command)) {
      open.close = metrics::WorkflowClose::kCompleted;
    } else if (std::holds_alternative<interpreter::FailWorkflow>(command)) {
      open.close = metrics::WorkflowClose::kFailed;
    } else if (std::holds_alternative<interpreter::CancelWorkflowExecution>(command)) {
      open.close = metrics::WorkflowClose::kCanceled;
    } else if (std::holds_alternative<interpreter::ContinueAsNew>(command)) {
      open.close = metrics::WorkflowClose::kContinuedAsNew;
    }
    open.closes = open.close.has_value();
    if (!AddUpdateMessage(command, open.updates, connection_->options().identity, open.completed)) {
      if (auto encoded = EncodeCommand(command, context)) {
        RequestEagerExecution(*encoded, open.eager_slots);
        *open.completed.add_commands() = std::move(*encoded);
      }
    }
  }
}

void WorkflowWorker::SyncLocals(CachedRun& cached, const std::string& workflow_id,
                                const std::string& run_id, bool closes) {
  RunningLocals& locals = *cached.locals;
  const auto& pending = cached.run->pending_locals();
  for (auto it = locals.running.begin(); it != locals.running.end();) {
    if (!closes && pending.contains(it->first)) {
      ++it;
      continue;
    }
    local_activities_->Cancel(it->second);  // the workflow no longer waits for it
    it = locals.running.erase(it);
  }
  if (closes) return;
  for (const auto& [seq, activity] : pending) {
    if (locals.running.contains(seq) ||
        std::ranges::any_of(locals.ended, [seq](const auto& ended) { return ended.seq == seq; })) {
      continue;
    }
    if (local_activities_ == nullptr) {
      locals.ended.push_back(LocalActivityOutcome{
          .seq = seq,
          .activity_id = activity.activity_id,
          .activity_type = activity.activity_type,
          .resolution = {
              .status = interpreter::ActivityResolution::Status::kFailed,
              .failure = interpreter::Failure{.type = "ActivityNotRegistered",
                                              .message = "this worker runs no local activities",
                                              .non_retryable = true}}});
      continue;
    }
    // The outcome comes on the activity's thread; the run is touched on the loop thread only.
    std::weak_ptr<RunningLocals> weak = cached.locals;
    CallLoop& loop = connection_->loop();
    locals.running[seq] = local_activities_->Start(
        activity, workflow_id, run_id,
        [weak, &loop, metrics = metrics_, workflow_type = cached.workflow_type,
         started = std::chrono::steady_clock::now()](LocalActivityOutcome outcome) {
          using Status = interpreter::ActivityResolution::Status;
          metrics->LocalActivityExecuted(outcome.activity_type, workflow_type,
                                         std::chrono::steady_clock::now() - started,
                                         outcome.resolution.status == Status::kFailed,
                                         outcome.resolution.status == Status::kCancelled);
          loop.After(std::chrono::milliseconds(0), [weak, outcome = std::move(outcome)]() mutable {
            auto alive = weak.lock();
            if (!alive) return;  // the run was evicted: its next task runs it again
            alive->running.erase(outcome.seq);
            alive->ended.push_back(std::move(outcome));
            if (auto wake = std::exchange(alive->wake, nullptr)) wake();
          });
        });
  }
}

void WorkflowWorker::Advance(std::shared_ptr<OpenTask> open) {
  if (open->answered) return;
  CachedRun& cached = open->cached;
  RunningLocals& locals = *cached.locals;
  while (!locals.ended.empty()) {
    LocalActivityOutcome outcome = std::move(locals.ended.front());
    locals.ended.erase(locals.ended.begin());
    AddCommands(*open, cached.run->ResolveLocal(outcome));
    for (auto& command : cached.run->TakeIssued()) open->issued.push_back(std::move(command));
  }
  SyncLocals(cached, open->workflow_id, open->run_id, open->closes);
  if (!locals.ended.empty()) return Advance(std::move(open));  // failed without an executor
  if (locals.running.empty()) return Answer(std::move(open), /*heartbeat=*/false);
  if (stopping_) {
    // Left to the server: the task times out and another worker runs the activities again.
    open->answered = true;
    metrics_->TaskSlots(metrics::WorkerType::kWorkflow, std::nullopt, --open_tasks_);
    SyncLocals(cached, open->workflow_id, open->run_id, /*closes=*/true);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (open->time_is_up || now >= open->answer_by) {
    return Answer(std::move(open), /*heartbeat=*/true);
  }
  locals.wake = [this, open] { Advance(open); };
  if (!open->timer_started) {
    open->timer_started = true;
    // The alarm may ring a little before answer_by by the steady clock: it decides.
    connection_->loop().After(
        std::chrono::duration_cast<std::chrono::milliseconds>(open->answer_by - now), [this, open] {
          open->time_is_up = true;
          Advance(open);
        });
  }
}

void WorkflowWorker::Answer(std::shared_ptr<OpenTask> open, bool heartbeat) {
  open->answered = true;
  metrics_->TaskSlots(metrics::WorkerType::kWorkflow, std::nullopt, --open_tasks_);
  open->cached.locals->wake = nullptr;  // it holds `open`
  auto& completed = open->completed;
  // Asks for the next task at once: the local activities still run, and their outcomes go
  // with it (docs/temporal-protocol.md#local-activities).
  if (heartbeat) completed.set_force_create_new_workflow_task(true);
  // Queries riding on the task see the state after it (docs/temporal-protocol.md#queries).
  if (!open->queries.empty()) {
    std::map<std::string, std::string> query_types;
    for (const auto& query : open->queries) query_types[query.id] = query.name;
    for (const auto& answer : open->cached.run->Answer(open->queries)) {
      auto& result = (*completed.mutable_query_results())[answer.id];
      if (answer.failure) {
        result.set_result_type(enums::QUERY_RESULT_TYPE_FAILED);
        result.set_error_message(answer.failure->message);
        *result.mutable_failure() = ToTemporalFailure(*answer.failure);
      } else {
        result.set_result_type(enums::QUERY_RESULT_TYPE_ANSWERED);
        *result.mutable_answer() =
            QueryAnswer(query_types[answer.id], answer.result.value_or(nullptr));
      }
    }
  }
  // The answer completes on the loop; the run waits for it out of the cache, since its state
  // includes this task, which history only has once the server took the answer.
  answering_.try_emplace(open->run_id);
  Send(&Stub::PrepareAsyncRespondWorkflowTaskCompleted, "RespondWorkflowTaskCompleted", completed,
       [this, open](std::expected<workflowservice::RespondWorkflowTaskCompletedResponse, RpcError>
                        sent) mutable {
         OnAnswered(*open, std::move(sent));
         // The tasks that came meanwhile, in their order; one may open a new answer, and the
         // rest then wait for that one.
         auto waiting = answering_.extract(open->run_id);
         if (!waiting.empty() && !stopping_) {
           for (const auto& task : waiting.mapped()) Handle(task);
         }
       });
}

void WorkflowWorker::OnAnswered(
    OpenTask& answered,
    std::expected<workflowservice::RespondWorkflowTaskCompletedResponse, RpcError> sent) {
  if (sent) trace::RecordCommands(answered.workflow_id, answered.issued);
  if (answered.eager_slots > 0) {
    int granted = 0;
    if (sent) {
      for (auto& activity_task : *sent->mutable_activity_tasks()) {
        if (granted == answered.eager_slots) break;  // never more than asked for
        eager_activities_->RunInReservedSlot(std::move(activity_task));
        ++granted;
      }
    }
    eager_activities_->ReleaseSlots(answered.eager_slots - granted);
  }
  CachedRun& cached = answered.cached;
  if (sent) {
    metrics_->WorkflowTaskExecuted(cached.workflow_type,
                                   std::chrono::steady_clock::now() - answered.received,
                                   answered.replayed);
  }
  if (sent && answered.close) {
    std::optional<metrics::SdkMetrics::Millis> end_to_end;
    if (cached.started != std::chrono::system_clock::time_point()) {
      end_to_end = std::chrono::system_clock::now() - cached.started;
    }
    metrics_->WorkflowClosed(*answered.close, cached.workflow_type, end_to_end);
  }
  if (!sent) {
    // The server has already failed the task (e.g. a signal arrived before a close
    // command: "UnhandledCommand"); it schedules a new one with the new events. The run
    // is evicted: its state includes a task history will not have.
    spdlog::warn("workflow {}: {}", answered.workflow_id, sent.error().ToString());
    SyncLocals(cached, answered.workflow_id, answered.run_id, /*closes=*/true);
    return;
  }
  // A discarded speculative task (reset_history_event_id) leaves history behind the
  // cached state: evict, as for a closed run.
  if (answered.closes || sent->reset_history_event_id() != 0) {
    SyncLocals(cached, answered.workflow_id, answered.run_id, /*closes=*/true);
    return;
  }
  cached.last_started_event_id = answered.started_event_id;
  cached.sdk_recorded = true;
  PutCachedRun(answered.run_id, std::move(cached));
}

void WorkflowWorker::RequestEagerExecution(::temporal::api::command::v1::Command& command,
                                           int& reserved) {
  // A task that fans out asks for a few activities eagerly and leaves the rest to matching,
  // where other workers of the queue can take them.
  constexpr int kMaxEagerPerTask = 3;
  if (eager_activities_ == nullptr || reserved >= kMaxEagerPerTask ||
      command.command_type() != enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK) {
    return;
  }
  auto& attributes = *command.mutable_schedule_activity_task_command_attributes();
  if (!eager_activities_->Serves(attributes.task_queue().name(),
                                 attributes.activity_type().name()) ||
      !eager_activities_->TryReserveSlot()) {
    return;
  }
  attributes.set_request_eager_execution(true);
  ++reserved;
}

WorkflowWorker::CachedRun WorkflowWorker::TakeCachedRun(const std::string& run_id) {
  auto found = cache_.find(run_id);
  if (found == cache_.end()) return {};
  CachedRun run = std::move(found->second.run);
  recency_.erase(found->second.recency);
  cache_.erase(found);
  metrics_->StickyCacheSize(cache_.size());
  return run;
}

void WorkflowWorker::PutCachedRun(const std::string& run_id, CachedRun run) {
  if (options_.max_cached_runs <= 0) return;
  auto [entry, added] = cache_.try_emplace(run_id);
  if (!added) recency_.erase(entry->second.recency);
  entry->second.run = std::move(run);
  entry->second.recency = recency_.insert(recency_.end(), run_id);
  while (static_cast<int>(cache_.size()) > options_.max_cached_runs) {
    // The least recently used goes, and with it the local activities it ran.
    for (const auto& [seq, ticket] : cache_[recency_.front()].run.locals->running) {
      local_activities_->Cancel(ticket);
    }
    cache_.erase(recency_.front());
    recency_.pop_front();
    metrics_->StickyCacheForcedEviction();
  }
  metrics_->StickyCacheSize(cache_.size());
}

bool WorkflowWorker::FetchRestOfHistory(
    const workflowservice::PollWorkflowTaskQueueResponse& task,
    std::vector<::temporal::api::history::v1::HistoryEvent>& events) {
  // From the first event when `events` is empty (a cache miss), else from the poll's token.
  std::string page_token = events.empty() ? std::string() : task.next_page_token();
  bool first_page = events.empty();
  while (first_page || !page_token.empty()) {
    first_page = false;
    workflowservice::GetWorkflowExecutionHistoryRequest request;
    request.set_namespace_(connection_->options().namespace_name);
    *request.mutable_execution() = task.workflow_execution();
    request.set_next_page_token(page_token);
    auto page = connection_->Call(&Stub::GetWorkflowExecutionHistory, "GetWorkflowExecutionHistory",
                                  request);
    if (!page) {
      spdlog::warn("history of {}: {}", task.workflow_execution().workflow_id(),
                   page.error().ToString());
      return false;
    }
    for (const auto& event : page->history().events()) {
      // Later pages may repeat the transient task events; keep ids increasing.
      if (!events.empty() && event.event_id() <= events.back().event_id()) continue;
      events.push_back(event);
    }
    page_token = page->next_page_token();
  }
  return true;
}

}  // namespace weft::temporal
