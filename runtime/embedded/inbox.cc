#include "runtime/embedded/inbox.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <utility>

#include "runtime/embedded/engine_core.h"
#include "runtime/embedded/recovery.h"
#include "runtime/embedded/run_parking.h"
#include "runtime/run/failure_codec.h"
#include "runtime/run/query_answers.h"

namespace weft::embedded {
namespace {

namespace ij = interpreter;
using nlohmann::json;

Reply NotRunning(const std::string& run_id) {
  return {.ok = false, .value = {{"message", "run " + run_id + " is not running"}}};
}

// A query to a run this engine does not hold: a closed run is rebuilt from its journal and
// answers; any other gets "not running".
void AnswerClosedRunQuery(EngineCore& core, const InboxItem& item) {
  JournalBatch batch{write::DeleteInbox{item.id}};
  auto record = core.reader->FindRun(item.run_id);
  if (record && *record && IsClosed((*record)->status)) {
    auto instance = RebuildInstance(*core.reader, **record);
    if (instance) {
      AnswerInboxQueries(core, **instance, {item}, batch);
      core.Submit(std::move(batch), "");
      return;
    }
    batch.push_back(write::PutReply{
        item.id,
        {.ok = false,
         .value = {{"message", "run " + item.run_id + " cannot answer: " + instance.error()}}}});
  } else {
    batch.push_back(write::PutReply{item.id, NotRunning(item.run_id)});
  }
  core.Submit(std::move(batch), "");
}

void Take(EngineCore& core, InboxItem item) {
  const InboxKind kind = InboxKindOf(item.kind);
  if (kind == InboxKind::kStart) {  // the run row is the request; it is loaded as pending
    core.Submit(JournalBatch{write::DeleteInbox{item.id}}, "");
    return;
  }
  // A parked run is rebuilt first (run_parking.h), and takes the message as any other.
  Run* found = WakeRun(core, item.run_id);
  const bool held = found != nullptr && !found->closing;
  if (kind == InboxKind::kQuery && (!held || found->activation_seq == 0)) {
    if (held) {  // not started yet: it answers after its first activation
      found->queries.push_back(std::move(item));
      core.MarkReady(found->record.run_id);
      return;
    }
    AnswerClosedRunQuery(core, item);
    return;
  }
  if (!held) {
    JournalBatch batch{write::DeleteInbox{item.id}};
    if (kind == InboxKind::kUpdate || kind == InboxKind::kSignal) {
      batch.push_back(write::PutReply{item.id, NotRunning(item.run_id)});
    }
    core.Submit(std::move(batch), "");
    return;
  }
  Run& run = *found;
  PendingJob pending{.consume = {write::DeleteInbox{item.id}}};
  switch (kind) {
    case InboxKind::kQuery:
      run.queries.push_back(std::move(item));
      core.MarkReady(run.record.run_id);
      return;
    case InboxKind::kSignal:
      pending.job = ij::SignalWorkflow{.name = item.name, .payload = item.payload};
      pending.consume.push_back(write::PutReply{item.id, {.ok = true}});
      break;
    case InboxKind::kUpdate:
      pending.job =
          ij::DoUpdate{.id = std::to_string(item.id), .name = item.name, .payload = item.payload};
      break;
    case InboxKind::kCancel:
      pending.job = ij::CancelWorkflow{.reason = item.name};
      pending.consume.push_back(write::PutReply{item.id, {.ok = true}});
      break;
    case InboxKind::kTerminate:
      run.terminate_requested = true;
      run.terminate_reason = item.name.empty() ? "terminated" : item.name;
      core.Submit(JournalBatch{write::DeleteInbox{item.id}, write::PutReply{item.id, {.ok = true}}},
                  "");
      core.MarkReady(run.record.run_id);
      return;
    case InboxKind::kStart:
    case InboxKind::kUnknown:
      core.Submit(JournalBatch{write::DeleteInbox{item.id}}, "");
      return;
  }
  run.pending.push_back(std::move(pending));
  core.MarkReady(run.record.run_id);
}

// Takes on a run another process created, if it is still pending.
void AdoptIfPending(EngineCore& core, const std::string& run_id) {
  {
    std::lock_guard lock(core.mutex);
    if (core.closed.contains(run_id)) return;
  }
  // The pin's identity first: the runs other processes start are most often of a definition a
  // run here holds already, and the whole pin is most of the row. `held` keeps it held until
  // RecoverRun has it.
  auto record = core.reader->FindRun(run_id, PinRead::kIdentity);
  if (!record || !*record || (*record)->status != RunStatus::kPending) return;
  const auto held = core.pinned_definitions.Held((*record)->pin);
  if (held == nullptr) {
    record = core.reader->FindRun(run_id, PinRead::kWhole);
    if (!record || !*record) return;
  }
  if (auto done = RecoverRun(core, std::move(**record)); !done) {
    spdlog::error("journal: {}", done.error());
  }
}

}  // namespace

InboxKind InboxKindOf(std::string_view name) {
  if (name == "signal") return InboxKind::kSignal;
  if (name == "update") return InboxKind::kUpdate;
  if (name == "query") return InboxKind::kQuery;
  if (name == "cancel") return InboxKind::kCancel;
  if (name == "terminate") return InboxKind::kTerminate;
  if (name == "start") return InboxKind::kStart;
  return InboxKind::kUnknown;
}

void PollInbox(EngineCore& core, bool force) {
  auto version = core.reader->DataVersion();
  if (!version) {
    spdlog::warn("journal: {}", version.error());
    return;
  }
  if (!force && *version == core.last_data_version) return;
  core.last_data_version = *version;
  if (auto pending = core.reader->PendingRunIds()) {
    for (const std::string& run_id : *pending) {
      if (!core.Holds(run_id)) AdoptIfPending(core, run_id);
    }
  }
  auto items = core.reader->InboxAfter(core.last_inbox_id);
  if (!items) {
    spdlog::warn("journal: {}", items.error());
    return;
  }
  for (InboxItem& item : *items) {
    core.last_inbox_id = std::max(core.last_inbox_id, item.id);
    // A run created by another process just after the look for pending runs above, and
    // signalled at once, is in the journal by now: take it on before its message, which would
    // otherwise be answered "not running".
    if (!core.Holds(item.run_id)) AdoptIfPending(core, item.run_id);
    Take(core, std::move(item));
  }
}

void AnswerInboxQueries(EngineCore& core, ij::WorkflowInstance& instance,
                        const std::vector<InboxItem>& queries, JournalBatch& batch) {
  if (queries.empty()) return;
  std::vector<ij::QueryWorkflow> asked;
  asked.reserve(queries.size());
  for (const InboxItem& item : queries) {
    asked.push_back({.id = std::to_string(item.id), .name = item.name, .payload = item.payload});
  }
  const auto interpret = [&instance](const ij::Activation& activation) {
    return instance.Activate(activation);
  };
  for (const ij::RespondToQuery& answer : run::AnswerQueries(interpret, core.Now(), asked)) {
    if (answer.failure) {
      core.Reply(answer.id, {.ok = false, .value = run::FailureToJson(*answer.failure)}, batch);
    } else {
      core.Reply(answer.id, {.ok = true, .value = answer.result.value_or(json())}, batch);
    }
  }
  for (const InboxItem& item : queries) batch.push_back(write::DeleteInbox{item.id});
}

}  // namespace weft::embedded
