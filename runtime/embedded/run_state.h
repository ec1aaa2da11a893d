// RunState: what the embedded engine holds of one open run between its activations. The
// engine thread owns every Run (engine_core.h) and is the only thread that reads or writes one;
// an activity attempt shares only its Attempt (activity_attempt.h) with a pool thread.
//
// A Run is rebuilt after a restart from the journal (recovery.h): the interpreter's state by
// replay, what it waits on from the journal's operations. A run that only waits may be parked
// (run_parking.h): the engine then holds a ParkedRun in its place, and rebuilds the Run the
// same way when something reaches it.
#ifndef WEFT_RUNTIME_EMBEDDED_RUN_STATE_H_
#define WEFT_RUNTIME_EMBEDDED_RUN_STATE_H_

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/definition.h"
#include "runtime/embedded/activity_attempt.h"
#include "runtime/embedded/journal.h"
#include "runtime/interpreter/activation.h"
#include "runtime/interpreter/workflow_instance.h"

namespace weft::embedded {

// The kinds of the journal's operations rows (journal.h): what a run waits on. Part of the
// journal's format: never rename one.
namespace operation {
inline constexpr std::string_view kActivity = "activity";
inline constexpr std::string_view kTimer = "timer";
inline constexpr std::string_view kChild = "child";
// A resolution already decided but not yet delivered; the row's data is the job.
inline constexpr std::string_view kDeliverActivity = "deliver_activity";
inline constexpr std::string_view kDeliverChildStart = "deliver_child_start";
inline constexpr std::string_view kDeliverChild = "deliver_child";
inline constexpr std::string_view kDeliverSignal = "deliver_signal";

inline bool IsDeliver(std::string_view kind) { return kind.starts_with("deliver_"); }
}  // namespace operation

// A job waiting for the run's next activation, and the journal rows that delivering it
// consumes (in the same transaction as the activation).
struct PendingJob {
  interpreter::Job job;
  std::vector<JournalWrite> consume;
};

struct ChildLink {
  std::string run_id;
  interpreter::StartChildWorkflow::ParentClosePolicy policy =
      interpreter::StartChildWorkflow::ParentClosePolicy::kTerminate;
};

struct Run {
  RunRecord record;
  std::shared_ptr<const dsl::Definition> definition;
  std::unique_ptr<interpreter::WorkflowInstance> instance;
  // The first run of its continue-as-new chain: the seed of uuid() and random() derives from
  // it (runtime/run/run_seed.h).
  std::string first_run_id;
  std::int64_t activation_seq = 0;
  std::vector<PendingJob> pending;  // a vector: an empty deque still allocates
  std::vector<InboxItem> queries;
  bool committing = false;  // an activation's batch is on its way to the journal
  bool closing = false;     // its close is journaled or being journaled
  bool terminate_requested = false;
  bool timed_out = false;  // the definition's `timeout` passed: it closes as timed out
  std::string terminate_reason;
  std::vector<std::uint32_t> arm_after_commit;  // activities scheduled by the batch committing
  std::map<std::uint32_t, ActivityTask> activities;
  std::map<std::uint32_t, std::int64_t> timers;  // seq -> fire time
  std::map<std::uint32_t, ChildLink> children;
  std::int64_t started_ms = 0;
  // Its place among the resident runs that only wait (EngineCore::waiting_runs, oldest
  // first), while it is there.
  bool in_waiting_runs = false;
  std::list<std::string>::iterator waiting_entry;
};

// What the engine keeps of a parked run: what tells its deadlines (still queued) due from
// stale, and what rebuilding it needs besides the journal. A few hundred bytes with its keys,
// against kilobytes for a Run and its interpreter.
struct ParkedRun {
  std::shared_ptr<const dsl::Definition> definition;  // shared by every run of its pin
  // The first run of its continue-as-new chain when that is another run; empty when it is
  // the run itself or (registered at start-up) not looked up yet.
  std::string first_run_id;
  std::vector<std::pair<std::uint32_t, std::int64_t>> timers;  // seq, fire time
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_RUN_STATE_H_
