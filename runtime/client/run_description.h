// DescribeRunStanding: where a run stands, by step id (`charge_payment`, `resize[3]`), as one
// JSON document that the MCP tool describe_run returns and the web UI draws: status, input,
// result or failure; the steps in progress (one per branch or iteration, from the
// interpreter's `__stack_trace` query); the activities with their attempt and last failure;
// the timers with when they fire; the signals awaited; and the history, one entry per
// activation, naming steps by id. The same on both engines, since it reads only what
// WorkflowClient::Describe and Query answer.
//
//   {workflow_id, run_id, workflow, status, created_ms, closed_ms?, input?, result?, failure?,
//    pending_activities: [{seq, step, activity, attempt, next_attempt_ms?, last_failure?}],
//    timers: [{seq, step, due_ms}], children?: [{seq, step, workflow}],
//    in_progress?: [{step, kind, signal?|activity?}], awaiting_signals?: [name],
//    in_progress_unknown?: why the stack query failed,
//    history?: [{seq, time_ms, events: [text], commands: [text]}], history_omitted?: n,
//    operations?: [{kind: activity|timer|child, seq, step, what?, input?, status: started|
//                   fired|completed|failed|cancelled..., result?, failure?}]}
//
// `history` and `operations` come from the run's activations: those the embedded engine
// journals, or on Temporal, when `operations` is asked for, its whole history read as
// activations (WorkflowClient::Activations); without it a Temporal run has neither.
//
// A pure function of what the client answers; the client is the caller's, so the thread is too.
#ifndef WEFT_RUNTIME_CLIENT_RUN_DESCRIPTION_H_
#define WEFT_RUNTIME_CLIENT_RUN_DESCRIPTION_H_

#include <cstddef>
#include <expected>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "runtime/client/workflow_client.h"

namespace weft::client {

struct RunDescriptionOptions {
  // The newest activations the history keeps; nullopt: all of them.
  std::optional<std::size_t> history_entries;
  // Every activity, timer and child the run started, with how each ended (`operations`); on
  // Temporal this reads the whole history.
  bool operations = false;
  // Called before a running run is asked its stack, e.g. to give an embedded journal's run an
  // engine that answers; may be empty.
  std::function<void()> before_stack_query;
};

std::expected<nlohmann::json, ClientError> DescribeRunStanding(
    WorkflowClient& client, const Execution& execution, const RunDescriptionOptions& options = {});

// The innermost failure of failure_codec JSON: the error a step raised (CardDeclined), under
// the activity or child failure that wraps it.
const nlohmann::json& RootCause(const nlohmann::json& failure);

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_RUN_DESCRIPTION_H_
