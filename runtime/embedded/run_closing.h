// RunClosing: how runs start other runs and how they end on the embedded engine. A child
// workflow is a run of its own, linked to its parent's StartChildWorkflow by (parent run, seq);
// a continue-as-new closes the run and starts its successor in the same batch; a close applies
// the parent-close policy to the run's children and delivers the outcome to its parent.
// Termination and the definition's `timeout` close a run from outside its interpreter.
//
// Engine thread only.
#ifndef WEFT_RUNTIME_EMBEDDED_RUN_CLOSING_H_
#define WEFT_RUNTIME_EMBEDDED_RUN_CLOSING_H_

#include <cstdint>
#include <nlohmann/json.hpp>

#include "runtime/embedded/journal.h"
#include "runtime/interpreter/command.h"

namespace weft::embedded {

struct EngineCore;
struct Run;

// How a run ends.
struct Closing {
  RunStatus status = RunStatus::kCompleted;
  nlohmann::json result;                             // kCompleted
  nlohmann::json failure;                            // the failure codec's JSON, when it failed
  const interpreter::ContinueAsNew* next = nullptr;  // kContinuedAsNew
};

// Starts the child run (or decides that it cannot start) and delivers that to the parent.
void StartChild(EngineCore& core, Run& parent, const interpreter::StartChildWorkflow& command,
                std::int64_t now_ms, JournalBatch& batch);

// Journals the run's close (and its successor, for continue-as-new) into `batch` and marks the
// run closing; what remains is done once the batch commits (FinishClosed). A second close of
// the same run is ignored.
void CloseRun(EngineCore& core, Run& run, Closing closing, std::int64_t now_ms,
              JournalBatch& batch);

// A close journaled by CloseRun has committed: the run leaves the engine, its waiters hear of
// it, and queries and updates that arrived meanwhile get an answer.
void FinishClosed(EngineCore& core, Run& run);

// Closes the run from outside its interpreter, in a batch of its own: `weft terminate`, and
// the definition's `timeout`.
void TerminateRun(EngineCore& core, Run& run);
void TimeOutRun(EngineCore& core, Run& run);

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_RUN_CLOSING_H_
