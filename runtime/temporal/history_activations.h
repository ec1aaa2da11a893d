// HistoryActivations: a weft run's Temporal history in the shape the embedded engine journals
// its activations (runtime/embedded/journal_codec.cc): one entry per workflow task, with the
// jobs that woke the run (started, an activity resolved, a timer fired, a signal, a child
// resolved, a cancellation request) and the commands it answered with, each command naming its
// step by the summary the worker gave it (command_encoder.cc). So the run description
// (runtime/client/run_description.h) reads where a run stands the same way on both engines.
//
//   [{seq, time_ms, jobs: [{job, seq?, name?, status?, result?, failure?}],
//     commands: [{command, seq?, step_label?, activity_type?, workflow_type?, input?,
//                 duration_ms?, result?, failure?}]}]
//
// Events of other SDKs' runs convert too; their commands have no step. Pure; thread-safe.
#ifndef WEFT_RUNTIME_TEMPORAL_HISTORY_ACTIVATIONS_H_
#define WEFT_RUNTIME_TEMPORAL_HISTORY_ACTIVATIONS_H_

#include <nlohmann/json.hpp>
#include <vector>

#include "temporal/api/history/v1/message.pb.h"

namespace weft::temporal {

nlohmann::json HistoryActivations(
    const std::vector<::temporal::api::history::v1::HistoryEvent>& events);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_HISTORY_ACTIVATIONS_H_
