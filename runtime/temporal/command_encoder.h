// The interpreter's commands as Temporal commands (docs/temporal-protocol.md#commands-and-events),
// the form RespondWorkflowTaskCompleted carries. Updates and queries are not commands on the wire
// (they are protocol messages and query results, which need the task they answer); EncodeCommand
// returns nothing for them and the worker answers them itself.
//
// A cancellation of an activity or child that the context does not know (never scheduled, so
// nothing to cancel on the server) also encodes to nothing.
//
// Pure: no I/O, no state. Activity and timer ids are the interpreter's seq as text, as the
// official SDKs number theirs, so that an event names the command it answers.
#ifndef WEFT_RUNTIME_TEMPORAL_COMMAND_ENCODER_H_
#define WEFT_RUNTIME_TEMPORAL_COMMAND_ENCODER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/interpreter/command.h"
#include "temporal/api/command/v1/message.pb.h"

namespace weft::temporal {

using TemporalCommand = ::temporal::api::command::v1::Command;

// What the worker knows from history that the interpreter's commands leave out.
struct EncodeContext {
  std::string task_queue;  // the workflow's own; activities and children default to it
  // seq -> event id of ActivityTaskScheduled, for RequestCancelActivity.
  std::map<std::uint32_t, std::int64_t> activity_scheduled_event_ids;
  // seq -> workflow id of a started child, for RequestCancelChildWorkflow.
  std::map<std::uint32_t, std::string> child_workflow_ids;
};

// The header field of ContinueAsNew that carries ContinueAsNew::resume to the next run, where
// it comes back from WorkflowExecutionStarted's header as StartWorkflow::resume.
inline constexpr std::string_view kResumeHeader = "weft-resume";

// The header field of StartChildWorkflowExecution that carries the definition version a
// `workflow` step asks for; the worker that starts the child serves exactly that version.
inline constexpr std::string_view kVersionHeader = "weft-version";

std::optional<TemporalCommand> EncodeCommand(const interpreter::Command& command,
                                             const EncodeContext& context);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_COMMAND_ENCODER_H_
