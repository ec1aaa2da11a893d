// RunParking: how the embedded engine holds many runs that only wait. A run whose every wait
// is on timers, signals or conditions (no activity, child or resolution in flight, nothing
// pending, not committing, not closing) needs its interpreter only when something reaches
// it. The engine keeps the EngineOptions::resident_waiting_runs most recently active of those
// whole, and parks the others, the longest waiting first: it drops their Run and keeps a
// ParkedRun (run_state.h), a few hundred bytes against kilobytes.
//
// Whatever reaches a parked run wakes it first: a timer or the run's timeout coming due, a
// signal, query, update, cancellation or termination from the inbox, a child closing. WakeRun
// rebuilds it from the journal by replay, checked as after a restart (recovery.h), and it goes
// on as if it had never left: replay is deterministic, so parking changes what a run costs
// (a replay on waking), never what it does. Its deadlines stay queued while it is parked and
// are not queued again on waking. A restarted engine registers such runs parked straight from
// the journal's rows, without replaying them (Recover).
//
// Engine thread only.
#ifndef WEFT_RUNTIME_EMBEDDED_RUN_PARKING_H_
#define WEFT_RUNTIME_EMBEDDED_RUN_PARKING_H_

#include <string>

#include "runtime/embedded/run_state.h"

namespace weft::embedded {

struct EngineCore;

// Nothing but timers, signals or conditions can move the run on.
bool OnlyWaits(const Run& run);

// The run may have become one that only waits (its batch committed, its queries answered):
// if so it joins the waiting runs, as the most recent.
void NoteWaiting(EngineCore& core, Run& run);
// The run has work (or leaves): it is no longer among the waiting runs.
void NoteBusy(EngineCore& core, Run& run);

// A deadline came due for a run that is not resident: whether it wakes a parked run (one of
// its timers, its timeout) rather than being stale.
bool DeadlineWakes(const EngineCore& core, const Deadline& deadline);

// Parks the longest waiting runs until no more than the resident limit remain.
void ParkBeyondLimit(EngineCore& core);

// The run, resident: rebuilt from the journal if it was parked. Null when the engine does not
// hold it open, or when its journal no longer replays (the run is then failed, as recovery
// fails it).
Run* WakeRun(EngineCore& core, const std::string& run_id);

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_RUN_PARKING_H_
