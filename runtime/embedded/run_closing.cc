#include "runtime/embedded/run_closing.h"

#include <memory>
#include <string>
#include <utility>

#include "runtime/embedded/engine_core.h"
#include "runtime/embedded/inbox.h"
#include "runtime/embedded/journal_codec.h"
#include "runtime/embedded/run_parking.h"
#include "runtime/interpreter/error_value.h"
#include "runtime/run/failure_codec.h"
#include "runtime/run/random_id.h"

namespace weft::embedded {
namespace {

namespace ij = interpreter;
using interpreter::Failure;
using nlohmann::json;
using Policy = ij::StartChildWorkflow::ParentClosePolicy;

std::shared_ptr<const dsl::Definition> FindDefinition(
    const EngineCore& core, const std::string& name,
    std::optional<std::int64_t> version = std::nullopt) {
  return core.options.find_definition ? core.options.find_definition(name, version) : nullptr;
}

std::string_view ChildOutcome(RunStatus status) {
  switch (status) {
    case RunStatus::kCancelled:
      return "cancelled";
    case RunStatus::kTerminated:
      return "terminated";
    case RunStatus::kTimedOut:
      return "timed out";
    default:
      return "failed";
  }
}

void NotifyParent(EngineCore& core, Run& run, RunStatus status, const json& result,
                  const json& failure, JournalBatch& batch) {
  const auto seq = static_cast<std::uint32_t>(run.record.parent_seq);
  ij::ResolveChildWorkflow job{.seq = seq};
  if (status == RunStatus::kCompleted) {
    job.result = result;
  } else {
    job.status = status == RunStatus::kCancelled ? ij::ActivityResolution::Status::kCancelled
                                                 : ij::ActivityResolution::Status::kFailed;
    json info = {{"workflow_type", run.record.name},
                 {"workflow_id", run.record.workflow_id},
                 {"run_id", run.record.run_id}};
    // Children have no retry policy here: what Temporal records for one without.
    if (status == RunStatus::kFailed || status == RunStatus::kTimedOut) {
      info["retry_state"] = "RETRY_POLICY_NOT_SET";
    }
    job.failure = ij::ChildWorkflowFailure(run::FailureFromJson(failure), ChildOutcome(status),
                                           std::move(info));
  }
  const std::string& parent_id = run.record.parent_run_id;
  batch.push_back(write::DeleteOperation{parent_id, std::string(operation::kChild), seq});
  // A parent waiting on a child is never parked (run_parking.h); WakeRun only finds it.
  Run* parent = WakeRun(core, parent_id);
  if (parent == nullptr || parent->closing) return;  // abandoned
  parent->children.erase(seq);
  core.Deliver(*parent, operation::kDeliverChild, seq, std::move(job), batch);
}

// Closes the run in a batch of its own, from outside its interpreter.
void CloseFromOutside(EngineCore& core, Run& run, RunStatus status, const Failure& failure) {
  JournalBatch batch;
  run.pending.clear();
  CloseRun(core, run, {.status = status, .failure = run::FailureToJson(failure)}, core.Now(),
           batch);
  run.committing = true;
  core.Submit(std::move(batch), run.record.run_id);
}

}  // namespace

void StartChild(EngineCore& core, Run& parent, const ij::StartChildWorkflow& command,
                std::int64_t now_ms, JournalBatch& batch) {
  std::shared_ptr<const dsl::Definition> definition =
      FindDefinition(core, command.workflow_type, command.version);
  const std::string workflow_id = command.workflow_id.empty()
                                      ? command.workflow_type + "-" + run::NewShortId()
                                      : command.workflow_id;
  ij::ResolveChildWorkflowStart job{.seq = command.seq};
  if (!definition) {
    job.started = false;
    job.failure = Failure{
        .type = "WorkflowNotFound",
        .message =
            "no workflow definition named \"" + command.workflow_type + "\"" +
            (command.version ? " of version " + std::to_string(*command.version) : std::string())};
  } else if (core.open_by_workflow_id.contains(workflow_id)) {
    job.started = false;
    job.failure = Failure{.type = "WorkflowExecutionAlreadyStarted",
                          .message = "workflow id " + workflow_id + " is already running"};
  } else {
    RunRecord record{
        .run_id = run::NewTimeOrderedUuid(),
        .workflow_id = workflow_id,
        .name = definition->name,
        .input = command.input,
        .parent_run_id = parent.record.run_id,
        .parent_seq = command.seq,
        .parent_close_policy = std::string(ParentClosePolicyName(command.parent_close_policy)),
        .created_ms = now_ms};
    job.run_id = record.run_id;
    parent.children[command.seq] = {record.run_id, command.parent_close_policy};
    batch.push_back(core.NewRunRow(record, *definition));
    batch.push_back(write::PutOperation{
        .run_id = parent.record.run_id,
        .kind = std::string(operation::kChild),
        .seq = command.seq,
        .data = json{{"child_run_id", record.run_id}, {"policy", record.parent_close_policy}}});
    Run* child = core.AddRun(std::move(record), std::move(definition), "");
    core.PushStart(*child);
  }
  core.Deliver(parent, operation::kDeliverChildStart, command.seq, std::move(job), batch);
}

void CloseRun(EngineCore& core, Run& run, Closing closing, std::int64_t now_ms,
              JournalBatch& batch) {
  if (run.closing) return;
  run.closing = true;
  const std::string& run_id = run.record.run_id;
  std::string continued_to;
  if (closing.next != nullptr) {
    std::shared_ptr<const dsl::Definition> definition = run.definition;
    if (closing.next->workflow_type && *closing.next->workflow_type != run.record.name) {
      definition = FindDefinition(core, *closing.next->workflow_type);
    }
    if (!definition) {
      closing.status = RunStatus::kFailed;
      closing.failure = run::FailureToJson(
          Failure{.type = "WorkflowNotFound",
                  .message = "continue-as-new to an unknown workflow " +
                             closing.next->workflow_type.value_or(run.record.name)});
    } else {
      RunRecord record{.run_id = run::NewTimeOrderedUuid(),
                       .workflow_id = run.record.workflow_id,
                       .name = definition->name,
                       .input = closing.next->input,
                       .resume = closing.next->resume,
                       .parent_run_id = run.record.parent_run_id,
                       .parent_seq = run.record.parent_seq,
                       .parent_close_policy = run.record.parent_close_policy,
                       .continued_from = run_id,
                       .search_attributes = run.record.search_attributes,
                       .memo = run.record.memo,
                       .created_ms = now_ms};
      continued_to = record.run_id;
      batch.push_back(core.NewRunRow(record, *definition));
      core.open_by_workflow_id.erase(run.record.workflow_id);
      Run* successor = core.AddRun(std::move(record), std::move(definition), run.first_run_id);
      core.PushStart(*successor);
    }
  }
  batch.push_back(write::SetRunStatus{.run_id = run_id,
                                      .status = closing.status,
                                      .result = closing.result,
                                      .failure = closing.failure,
                                      .closed_ms = now_ms,
                                      .continued_to = continued_to});
  batch.push_back(write::DeleteRunOperations{run_id});
  core.attempts.CancelAll(run);
  run.timers.clear();
  for (const auto& [seq, child] : run.children) {
    if (child.policy == Policy::kAbandon) continue;
    batch.push_back(
        write::InsertInbox{{.run_id = child.run_id,
                            .kind = child.policy == Policy::kRequestCancel ? "cancel" : "terminate",
                            .name = "parent run " + run_id + " closed",
                            .created_ms = now_ms}});
  }
  if (continued_to.empty() && !run.record.parent_run_id.empty()) {
    NotifyParent(core, run, closing.status, closing.result, closing.failure, batch);
  }
  if (continued_to.empty()) {
    auto by_id = core.open_by_workflow_id.find(run.record.workflow_id);
    if (by_id != core.open_by_workflow_id.end() && by_id->second == run_id) {
      core.open_by_workflow_id.erase(by_id);
    }
  }
  run.record.status = closing.status;
  run.record.result = std::move(closing.result);
  run.record.failure = std::move(closing.failure);
  run.record.continued_to = continued_to;
}

void FinishClosed(EngineCore& core, Run& run) {
  const std::string run_id = run.record.run_id;
  core.Progress({.kind = ProgressEvent::Kind::kRunClosed,
                 .run_id = run_id,
                 .workflow_id = run.record.workflow_id,
                 .workflow_type = run.record.name,
                 .elapsed_ms = core.Now() - run.started_ms,
                 .message = std::string(RunStatusName(run.record.status))});
  // Queries that arrived meanwhile are answered against the closed run, as Temporal answers
  // them; updates cannot be, and say so.
  JournalBatch batch;
  std::vector<InboxItem> queries = std::move(run.queries);
  run.queries.clear();
  AnswerInboxQueries(core, *run.instance, queries, batch);
  for (const PendingJob& pending : run.pending) {
    if (auto* update = std::get_if<ij::DoUpdate>(&pending.job)) {
      core.Reply(
          update->id,
          {.ok = false, .value = {{"message", "run " + run_id + " closed before the update"}}},
          batch);
    }
    for (const JournalWrite& consumed : pending.consume) {
      if (std::holds_alternative<write::DeleteInbox>(consumed)) batch.push_back(consumed);
    }
  }
  if (!batch.empty()) core.Submit(std::move(batch), "");
  {
    std::lock_guard lock(core.mutex);
    // The close was committed before FinishClosed (OnCommitted).
    core.RememberClosed({.run_id = run_id,
                         .status = run.record.status,
                         .result = run.record.result,
                         .failure = run.record.failure},
                        run.record.continued_to, 0);
  }
  core.RemoveRun(run_id);
}

void TerminateRun(EngineCore& core, Run& run) {
  CloseFromOutside(core, run, RunStatus::kTerminated,
                   Failure{.kind = Failure::Kind::kTerminated,
                           .type = "Terminated",
                           .message = run.terminate_reason});
}

void TimeOutRun(EngineCore& core, Run& run) {
  CloseFromOutside(core, run, RunStatus::kTimedOut,
                   Failure{.kind = Failure::Kind::kTimeout,
                           .type = "Timeout",
                           .message = "workflow " + run.record.name + " timed out",
                           .info = {{"timeout_type", "START_TO_CLOSE"}}});
}

}  // namespace weft::embedded
