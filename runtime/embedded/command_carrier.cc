#include "runtime/embedded/command_carrier.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "runtime/embedded/engine_core.h"
#include "runtime/embedded/run_closing.h"
#include "runtime/interpreter/workflow_instance.h"
#include "runtime/run/failure_codec.h"

namespace weft::embedded {
namespace {

namespace ij = interpreter;
using interpreter::Failure;
using nlohmann::json;
using run::FailureToJson;

}  // namespace

void CommandCarrier::On(const ij::ScheduleActivity& command) {
  batch_.push_back(
      write::PutOperation{.run_id = run_.record.run_id,
                          .kind = std::string(operation::kActivity),
                          .seq = command.seq,
                          .due_ms = now_ms_,
                          .attempt = 1,
                          .data = json{{"scheduled_ms", now_ms_}, {"heartbeat", nullptr}}});
  core_.attempts.Schedule(run_, command, now_ms_);
}

void CommandCarrier::On(const ij::RequestCancelActivity& command) {
  std::optional<Failure> cancelled = core_.attempts.Cancel(run_, command.seq);
  if (!cancelled) return;  // already resolved: its result is on its way
  ij::ResolveActivity job{.seq = command.seq};
  job.resolution.status = ij::ActivityResolution::Status::kCancelled;
  job.resolution.failure = std::move(*cancelled);
  core_.Deliver(run_, operation::kDeliverActivity, command.seq, std::move(job), batch_);
  batch_.push_back(
      write::DeleteOperation{run_.record.run_id, std::string(operation::kActivity), command.seq});
}

void CommandCarrier::On(const ij::StartTimer& command) {
  const std::int64_t due = now_ms_ + command.duration.count();
  batch_.push_back(write::PutOperation{.run_id = run_.record.run_id,
                                       .kind = std::string(operation::kTimer),
                                       .seq = command.seq,
                                       .due_ms = due});
  run_.timers[command.seq] = due;
  core_.deadlines.Push({.at_ms = due,
                        .kind = Deadline::Kind::kTimer,
                        .run_id = run_.record.run_id,
                        .seq = command.seq});
  core_.Progress({.kind = ProgressEvent::Kind::kTimerStarted,
                  .run_id = run_.record.run_id,
                  .workflow_id = run_.record.workflow_id,
                  .workflow_type = run_.record.name,
                  .elapsed_ms = command.duration.count()});
}

void CommandCarrier::On(const ij::CancelTimer& command) {
  run_.timers.erase(command.seq);
  batch_.push_back(
      write::DeleteOperation{run_.record.run_id, std::string(operation::kTimer), command.seq});
  std::erase_if(run_.pending, [&](const PendingJob& pending) {
    auto* fire = std::get_if<ij::FireTimer>(&pending.job);
    return fire != nullptr && fire->seq == command.seq;
  });
}

void CommandCarrier::On(const ij::StartChildWorkflow& command) {
  StartChild(core_, run_, command, now_ms_, batch_);
}

void CommandCarrier::On(const ij::RequestCancelChildWorkflow& command) {
  auto child = run_.children.find(command.seq);
  if (child == run_.children.end()) return;
  batch_.push_back(write::InsertInbox{{.run_id = child->second.run_id,
                                       .kind = "cancel",
                                       .name = "parent requested cancellation",
                                       .created_ms = now_ms_}});
}

void CommandCarrier::On(const ij::SignalExternalWorkflow& command) {
  std::string target = command.run_id;
  if (target.empty()) {
    auto found = core_.open_by_workflow_id.find(command.workflow_id);
    if (found != core_.open_by_workflow_id.end()) target = found->second;
  }
  auto found = core_.runs.find(target);
  // A parked run is open: the signal waits in the inbox, which wakes it.
  const bool open = found != core_.runs.end() ? !found->second->closing : core_.Holds(target);
  ij::ResolveSignalExternalWorkflow job{.seq = command.seq};
  if (!open) {
    job.failure = Failure{.type = "ExternalWorkflowExecutionNotFound",
                          .message = "no open run of workflow " + command.workflow_id};
  } else {
    batch_.push_back(write::InsertInbox{{.run_id = target,
                                         .kind = "signal",
                                         .name = command.signal,
                                         .payload = command.payload,
                                         .created_ms = now_ms_}});
  }
  core_.Deliver(run_, operation::kDeliverSignal, command.seq, std::move(job), batch_);
}

void CommandCarrier::On(const ij::RecordMarker& command) {
  // Markers live in the journaled commands; the definition's is checked against the pin.
  if (command.name == ij::kDefinitionMarker &&
      command.data.value("sha256", "") != run_.record.pin.value("sha256", "")) {
    spdlog::warn("run {}: the definition marker does not match the run's pin", run_.record.run_id);
  }
}

void CommandCarrier::On(const ij::UpsertSearchAttributes& command) {
  if (command.attributes.is_object()) run_.record.search_attributes.update(command.attributes);
  batch_.push_back(
      write::SetRunAttributes{run_.record.run_id, run_.record.search_attributes, run_.record.memo});
}

void CommandCarrier::On(const ij::UpsertMemo& command) {
  if (command.memo.is_object()) run_.record.memo.update(command.memo);
  batch_.push_back(
      write::SetRunAttributes{run_.record.run_id, run_.record.search_attributes, run_.record.memo});
}

void CommandCarrier::On(const ij::AcceptUpdate&) {
  // Journaled with the commands; the client's answer comes with CompleteUpdate.
}

void CommandCarrier::On(const ij::RejectUpdate& command) {
  core_.Reply(command.id, {.ok = false, .value = FailureToJson(command.failure)}, batch_);
}

void CommandCarrier::On(const ij::CompleteUpdate& command) {
  if (command.failure) {
    core_.Reply(command.id, {.ok = false, .value = FailureToJson(*command.failure)}, batch_);
  } else {
    core_.Reply(command.id, {.ok = true, .value = command.result.value_or(json())}, batch_);
  }
}

void CommandCarrier::On(const ij::RespondToQuery& command) {
  if (command.failure) {
    core_.Reply(command.id, {.ok = false, .value = FailureToJson(*command.failure)}, batch_);
  } else {
    core_.Reply(command.id, {.ok = true, .value = command.result.value_or(json())}, batch_);
  }
}

void CommandCarrier::On(const ij::CompleteWorkflow& command) {
  CloseRun(core_, run_, {.status = RunStatus::kCompleted, .result = command.result}, now_ms_,
           batch_);
}

void CommandCarrier::On(const ij::FailWorkflow& command) {
  CloseRun(core_, run_, {.status = RunStatus::kFailed, .failure = FailureToJson(command.failure)},
           now_ms_, batch_);
}

void CommandCarrier::On(const ij::CancelWorkflowExecution&) {
  const Failure cancelled{
      .kind = Failure::Kind::kCancelled, .type = "Cancelled", .message = "workflow cancelled"};
  CloseRun(core_, run_, {.status = RunStatus::kCancelled, .failure = FailureToJson(cancelled)},
           now_ms_, batch_);
}

void CommandCarrier::On(const ij::ContinueAsNew& command) {
  CloseRun(core_, run_, {.status = RunStatus::kContinuedAsNew, .next = &command}, now_ms_, batch_);
}

}  // namespace weft::embedded
