// Recovery: how the embedded engine rebuilds runs from the journal, after a restart or when a
// run started by another process appears. A run's interpreter state is rebuilt by replaying
// its journaled activations through a fresh WorkflowInstance; the commands the replay produces
// must be those the journal recorded (runtime/run/replay_check.h, the same check as on
// Temporal), or the run fails with a non-determinism failure and the others go on. What the
// run waits on (activities with their attempt and next try, timers, children, resolutions
// decided but not delivered) is re-armed from the journal's operations. A run that only waits
// is not rebuilt at start-up but registered parked, and rebuilt the same way when woken.
//
// Engine thread only (RebuildInstance: any thread with its own Journal).
#ifndef WEFT_RUNTIME_EMBEDDED_RECOVERY_H_
#define WEFT_RUNTIME_EMBEDDED_RECOVERY_H_

#include <expected>
#include <memory>
#include <string>

#include "runtime/embedded/journal.h"
#include "runtime/embedded/run_state.h"
#include "runtime/interpreter/workflow_instance.h"

namespace weft::embedded {

struct EngineCore;

// Takes on every unfinished run of the journal: the runs that only wait on timers, signals
// or conditions are registered parked from their rows (run_parking.h), without replay; the
// others are rebuilt. An error means the journal cannot be read.
std::expected<void, std::string> Recover(EngineCore& core);

// Rebuilds one run (unfinished, or pending from another process).
std::expected<void, std::string> RecoverRun(EngineCore& core, RunRecord record);

// Rebuilds a parked run, whose deadlines are still queued. Null when its journal no longer
// replays (the run is then failed, as RecoverRun fails it); an error when the journal cannot
// be read.
std::expected<Run*, std::string> RecoverParkedRun(EngineCore& core, const std::string& run_id,
                                                  const ParkedRun& parked);

// A run's interpreter as its journal leaves it, for queries to a closed run. `record` is the
// run's row as the journal holds it (with the whole pin).
std::expected<std::unique_ptr<interpreter::WorkflowInstance>, std::string> RebuildInstance(
    Journal& journal, const RunRecord& record);

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_RECOVERY_H_
