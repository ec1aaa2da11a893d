#include "runtime/embedded/run_parking.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "runtime/embedded/engine_core.h"
#include "runtime/embedded/recovery.h"

namespace weft::embedded {
namespace {

void Park(EngineCore& core, Run& run) {
  ParkedRun parked{.definition = run.definition};
  if (run.first_run_id != run.record.run_id) parked.first_run_id = run.first_run_id;
  parked.timers.assign(run.timers.begin(), run.timers.end());
  const std::string run_id = run.record.run_id;
  NoteBusy(core, run);
  // Not RemoveRun: the run stays open (open_run_ids, open_by_workflow_id), and its deadlines
  // stay queued.
  core.runs.erase(run_id);
  core.parked.emplace(run_id, std::move(parked));
  core.parked_runs.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

bool OnlyWaits(const Run& run) {
  return run.activation_seq > 0 && !run.committing && !run.closing && run.pending.empty() &&
         run.queries.empty() && run.activities.empty() && run.children.empty() &&
         run.arm_after_commit.empty() && !run.terminate_requested && !run.timed_out;
}

void NoteWaiting(EngineCore& core, Run& run) {
  if (run.in_waiting_runs || !OnlyWaits(run) || core.ready_set.contains(run.record.run_id)) return;
  run.waiting_entry = core.waiting_runs.insert(core.waiting_runs.end(), run.record.run_id);
  run.in_waiting_runs = true;
}

void NoteBusy(EngineCore& core, Run& run) {
  if (!run.in_waiting_runs) return;
  core.waiting_runs.erase(run.waiting_entry);
  run.in_waiting_runs = false;
}

bool DeadlineWakes(const EngineCore& core, const Deadline& deadline) {
  auto parked = core.parked.find(deadline.run_id);
  if (parked == core.parked.end()) return false;
  switch (deadline.kind) {
    case Deadline::Kind::kTimer:
      return std::ranges::find(parked->second.timers, std::pair(deadline.seq, deadline.at_ms)) !=
             parked->second.timers.end();
    case Deadline::Kind::kRunTimeout:
      return true;
    case Deadline::Kind::kActivityDue:
    case Deadline::Kind::kAttemptCheck:
    case Deadline::Kind::kScheduleToClose:
      return false;  // a parked run has no activity: these are stale
  }
  return false;
}

void ParkBeyondLimit(EngineCore& core) {
  const auto limit = static_cast<std::size_t>(core.options.resident_waiting_runs);
  while (core.waiting_runs.size() > limit) {
    auto found = core.runs.find(core.waiting_runs.front());
    if (found == core.runs.end()) {  // cannot happen: leaving takes a run off the list
      core.waiting_runs.pop_front();
      continue;
    }
    Run& run = *found->second;
    if (OnlyWaits(run)) {
      Park(core, run);
    } else {
      NoteBusy(core, run);
    }
  }
}

Run* WakeRun(EngineCore& core, const std::string& run_id) {
  if (auto found = core.runs.find(run_id); found != core.runs.end()) return found->second.get();
  auto parked = core.parked.find(run_id);
  if (parked == core.parked.end()) return nullptr;
  ParkedRun taken = std::move(parked->second);
  core.parked.erase(parked);
  core.parked_runs.fetch_sub(1, std::memory_order_relaxed);
  auto woken = RecoverParkedRun(core, run_id, taken);
  if (!woken) {
    // The journal could not be read: the run stays parked, and the next touch tries again.
    spdlog::error("journal: run {} cannot be woken: {}", run_id, woken.error());
    core.parked.emplace(run_id, std::move(taken));
    core.parked_runs.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  core.woken_runs.fetch_add(1, std::memory_order_relaxed);
  return *woken;
}

}  // namespace weft::embedded
