#include "runtime/embedded/recovery.h"

#include <spdlog/spdlog.h>

#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "runtime/embedded/engine_core.h"
#include "runtime/embedded/journal_codec.h"
#include "runtime/embedded/run_parking.h"
#include "runtime/interpreter/definition_pin.h"
#include "runtime/run/failure_codec.h"
#include "runtime/run/replay_check.h"

namespace weft::embedded {
namespace {

namespace ij = interpreter;
using interpreter::Failure;
using nlohmann::json;

// The commands an activation journaled, as the replay check reads them.
std::vector<run::RecordedCommand> Recorded(const ActivationRecord& activation) {
  std::vector<run::RecordedCommand> recorded;
  if (!activation.commands.is_array()) return recorded;
  for (std::size_t i = 0; i < activation.commands.size(); ++i) {
    const json& command = activation.commands[i];
    recorded.push_back(
        {.kind = command.is_object() ? command.value("command", std::string("?")) : "?",
         .fields = command,
         .where = "activation " + std::to_string(activation.seq) + ", command " +
                  std::to_string(i + 1)});
  }
  return recorded;
}

// Replays the journaled activations through `instance`, checking each against what it
// recorded; `scheduled` collects the activities the run scheduled, as replay reproduces them.
// A divergence or an unreadable activation is the run's failure.
std::expected<void, Failure> Replay(ij::WorkflowInstance& instance,
                                    const std::vector<ActivationRecord>& activations,
                                    const std::string& run_id,
                                    std::map<std::uint32_t, ij::ScheduleActivity>* scheduled) {
  for (const ActivationRecord& activation : activations) {
    auto jobs = JobsFromJson(activation.jobs);
    if (!jobs) {
      return std::unexpected(Failure{.type = "JournalError",
                                     .message = "activation " + std::to_string(activation.seq) +
                                                " of run " + run_id + ": " + jobs.error(),
                                     .non_retryable = true});
    }
    const std::vector<ij::Command> commands = instance.Activate(
        ij::Activation{.now_unix_ms = activation.now_ms,
                       .is_replaying = true,
                       .continue_as_new_suggested = activation.continue_as_new_suggested,
                       .jobs = std::move(*jobs)});
    if (scheduled != nullptr) {
      for (const auto& command : commands) {
        if (const auto* schedule = std::get_if<ij::ScheduleActivity>(&command)) {
          (*scheduled)[schedule->seq] = *schedule;
        }
      }
    }
    auto same = run::CheckReplayedAll(Recorded(activation), commands,
                                      "activation " + std::to_string(activation.seq));
    if (!same) return std::unexpected(same.error().ToFailure());
  }
  return {};
}

// The first run of the record's continue-as-new chain.
std::string FirstRunOfChain(Journal& journal, const RunRecord& record) {
  std::string first = record.run_id;
  std::string previous = record.continued_from;
  // Bounded: a damaged journal must not loop.
  for (int hops = 0; !previous.empty() && hops < 1'000'000; ++hops) {
    first = previous;
    auto found = journal.FindRun(previous);
    if (!found || !*found) break;
    previous = (*found)->continued_from;
  }
  return first;
}

void FailUnloadable(EngineCore& core, const RunRecord& record, const Failure& failure) {
  spdlog::error("run {} ({}): {}", record.run_id, record.name, failure.message);
  const json failure_json = run::FailureToJson(failure);
  const std::uint64_t token =
      core.Submit(JournalBatch{write::SetRunStatus{.run_id = record.run_id,
                                                   .status = RunStatus::kFailed,
                                                   .failure = failure_json,
                                                   .closed_ms = core.Now()},
                               write::DeleteRunOperations{record.run_id}},
                  "");
  std::lock_guard lock(core.mutex);
  core.RememberClosed(
      {.run_id = record.run_id, .status = RunStatus::kFailed, .failure = failure_json}, "", token);
}

// Where a rebuilt run's deadlines (its timers, its timeout) come from: a recovered run queues
// them; a woken parked run's are still queued.
enum class Deadlines { kQueue, kAlreadyQueued };

// Rebuilds `record`'s run from its journal: its interpreter by replay, then what it waits on.
// Null when the replay does not reproduce the journal (the run is failed); an error when the
// journal cannot be read.
std::expected<Run*, std::string> Rebuild(EngineCore& core, RunRecord record,
                                         std::shared_ptr<const dsl::Definition> definition,
                                         std::string first_run_id, Deadlines deadlines) {
  auto journaled = core.reader->Activations(record.run_id);
  if (!journaled) return std::unexpected(journaled.error());
  auto operations = core.reader->Operations(record.run_id);
  if (!operations) return std::unexpected(operations.error());

  Run* run = core.AddRun(std::move(record), std::move(definition), std::move(first_run_id));
  std::map<std::uint32_t, ij::ScheduleActivity> scheduled;
  if (auto replayed = Replay(*run->instance, *journaled, run->record.run_id, &scheduled);
      !replayed) {
    RunRecord copy = run->record;
    core.RemoveRun(copy.run_id);
    FailUnloadable(core, copy, replayed.error());
    return nullptr;
  }
  const bool queue = deadlines == Deadlines::kQueue;
  run->activation_seq = journaled->empty() ? 0 : journaled->back().seq;
  run->started_ms = journaled->empty() ? core.Now() : journaled->front().now_ms;
  if (journaled->empty()) core.PushStart(*run);
  if (const auto& timeout = run->definition->timeout; timeout && !journaled->empty() && queue) {
    core.deadlines.Push({.at_ms = run->started_ms + timeout->count(),
                         .kind = Deadline::Kind::kRunTimeout,
                         .run_id = run->record.run_id});
  }

  for (const OperationRecord& op : *operations) {
    const auto seq = static_cast<std::uint32_t>(op.seq);
    if (op.kind == operation::kActivity) {
      auto spec = scheduled.find(seq);
      if (spec == scheduled.end()) {
        return std::unexpected("run " + run->record.run_id + " waits on activity " +
                               std::to_string(seq) + " that its journal never scheduled");
      }
      core.attempts.Restore(*run, seq,
                            ActivityTask{.spec = std::move(spec->second),
                                         .attempt = static_cast<std::int32_t>(op.attempt),
                                         .scheduled_ms = op.data.value("scheduled_ms", op.due_ms),
                                         .due_ms = op.due_ms,
                                         .heartbeat_details = op.data.value("heartbeat", json())});
    } else if (op.kind == operation::kTimer) {
      run->timers[seq] = op.due_ms;
      if (queue) {
        core.deadlines.Push({.at_ms = op.due_ms,
                             .kind = Deadline::Kind::kTimer,
                             .run_id = run->record.run_id,
                             .seq = seq});
      }
    } else if (op.kind == operation::kChild) {
      run->children[seq] = {op.data.value("child_run_id", ""),
                            ParentClosePolicyFromName(op.data.value("policy", ""))};
    } else if (operation::IsDeliver(op.kind)) {
      auto job = JobFromJson(op.data);
      if (!job) return std::unexpected(job.error());
      run->pending.push_back(
          {.job = std::move(*job),
           .consume = {write::DeleteOperation{run->record.run_id, op.kind, op.seq}}});
      core.MarkReady(run->record.run_id);
    }
  }
  return run;
}

// What a restarting engine reads of the runs that only wait on timers (no other operation):
// their timers, by run. Every other run with an operation is in `busy`.
struct Waits {
  std::unordered_map<std::string, std::vector<std::pair<std::uint32_t, std::int64_t>>> timers;
  std::unordered_set<std::string> busy;
};

std::expected<Waits, std::string> ReadWaits(Journal& journal) {
  auto operations = journal.OperationsOfAllRuns();
  if (!operations) return std::unexpected(operations.error());
  Waits waits;
  for (const OperationRecord& op : *operations) {
    if (op.kind == operation::kTimer) {
      waits.timers[op.run_id].emplace_back(static_cast<std::uint32_t>(op.seq), op.due_ms);
    } else {
      waits.busy.insert(op.run_id);
    }
  }
  return waits;
}

// Registers a run that only waits as parked (run_parking.h): its deadlines queued, nothing
// replayed. Its id goes to `open_ids`, for open_run_ids.
std::expected<void, std::string> RegisterParked(
    EngineCore& core, const UnfinishedRun& row, std::shared_ptr<const dsl::Definition> definition,
    std::vector<std::pair<std::uint32_t, std::int64_t>> timers,
    std::vector<std::string>& open_ids) {
  std::string run_id(row.run_id);
  for (const auto& [seq, due] : timers) {
    core.deadlines.Push(
        {.at_ms = due, .kind = Deadline::Kind::kTimer, .run_id = run_id, .seq = seq});
  }
  if (const auto& timeout = definition->timeout) {
    auto started = core.reader->StartedMs(run_id);
    if (!started) return std::unexpected(started.error());
    if (*started) {
      core.deadlines.Push({.at_ms = **started + timeout->count(),
                           .kind = Deadline::Kind::kRunTimeout,
                           .run_id = run_id});
    }
  }
  core.open_by_workflow_id[std::string(row.workflow_id)] = run_id;
  open_ids.push_back(run_id);
  core.parked.emplace(std::move(run_id),
                      ParkedRun{.definition = std::move(definition), .timers = std::move(timers)});
  core.parked_runs.fetch_add(1, std::memory_order_relaxed);
  return {};
}

}  // namespace

// Runs that only wait on timers, signals or conditions are registered parked from their rows;
// the others (pending, or waiting on an activity, a child or a decided resolution) are
// replayed now. The pins are compared as text, so that each definition is parsed once.
std::expected<void, std::string> Recover(EngineCore& core) {
  auto waits = ReadWaits(*core.reader);
  if (!waits) return std::unexpected(waits.error());
  // Looked up by the row's text as it is, without a copy per run.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, std::shared_ptr<const dsl::Definition>, TextHash, std::equal_to<>>
      by_pin_text;
  std::vector<std::string> replay, open_ids;
  std::string failed;
  auto visited = core.reader->ForEachUnfinishedRun([&](const UnfinishedRun& row) {
    if (!failed.empty()) return;
    const std::string run_id(row.run_id);
    if (row.status != RunStatus::kRunning || waits->busy.contains(run_id)) {
      replay.push_back(run_id);
      return;
    }
    auto known = by_pin_text.find(row.pin_text);
    if (known == by_pin_text.end()) {
      const json pin = json::parse(row.pin_text, nullptr, /*allow_exceptions=*/false);
      auto definition = core.pinned_definitions.Load(pin);
      // A pin that does not load is replayed, which fails the run saying why.
      known = by_pin_text.emplace(row.pin_text, definition ? *definition : nullptr).first;
    }
    if (!known->second) {
      replay.push_back(run_id);
      return;
    }
    auto timers = waits->timers.find(run_id);
    auto registered = RegisterParked(
        core, row, known->second,
        timers == waits->timers.end() ? decltype(timers->second){} : std::move(timers->second),
        open_ids);
    if (!registered) failed = registered.error();
  });
  if (!visited) return std::unexpected(visited.error());
  if (!failed.empty()) return std::unexpected(failed);
  {
    std::lock_guard lock(core.mutex);
    core.open_run_ids.insert(open_ids.begin(), open_ids.end());
  }
  for (const std::string& run_id : replay) {
    auto record = core.reader->FindRun(run_id);
    if (!record) return std::unexpected(record.error());
    if (!*record) continue;
    if (auto done = RecoverRun(core, std::move(**record)); !done) return done;
  }
  return {};
}

std::expected<void, std::string> RecoverRun(EngineCore& core, RunRecord record) {
  auto definition = core.pinned_definitions.Load(record.pin);
  if (!definition) {
    FailUnloadable(
        core, record,
        Failure{.type = "JournalError",
                .message = "cannot load the run's pinned definition: " + definition.error(),
                .non_retryable = true});
    return {};
  }
  std::string first_run_id = FirstRunOfChain(*core.reader, record);
  auto rebuilt = Rebuild(core, std::move(record), std::move(*definition), std::move(first_run_id),
                         Deadlines::kQueue);
  if (!rebuilt) return std::unexpected(rebuilt.error());
  if (*rebuilt != nullptr) core.replayed_runs.fetch_add(1);
  return {};
}

std::expected<Run*, std::string> RecoverParkedRun(EngineCore& core, const std::string& run_id,
                                                  const ParkedRun& parked) {
  auto record = core.reader->FindRun(run_id, PinRead::kIdentity);
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::unexpected("the journal has no run " + run_id);
  std::string first_run_id =
      parked.first_run_id.empty() ? FirstRunOfChain(*core.reader, **record) : parked.first_run_id;
  return Rebuild(core, std::move(**record), parked.definition, std::move(first_run_id),
                 Deadlines::kAlreadyQueued);
}

std::expected<std::unique_ptr<ij::WorkflowInstance>, std::string> RebuildInstance(
    Journal& journal, const RunRecord& record) {
  auto definition = ij::LoadPinnedDefinition(record.pin);
  if (!definition) return std::unexpected("its pinned definition: " + definition.error());
  auto journaled = journal.Activations(record.run_id);
  if (!journaled) return std::unexpected(journaled.error());
  auto instance = std::make_unique<ij::WorkflowInstance>(std::move(*definition));
  if (auto replayed = Replay(*instance, *journaled, record.run_id, nullptr); !replayed) {
    return std::unexpected(replayed.error().message);
  }
  return instance;
}

}  // namespace weft::embedded
