// CommandHandler: what a driver of the interpreter does with each kind of command. The
// embedded engine's carrier, the Temporal worker's encoder and the dry run each implement it.
//
// There is one pure virtual On() per alternative of interpreter::Command, so adding a command
// kind is a compile error until it is handled everywhere: Dispatch does not compile until the
// kind has an On() here, and once it has, every driver that does not override it is abstract
// and cannot be instantiated. Nothing is skipped by a default branch.
//
// CommandKindName gives each kind the one name the journal, `weft show`, the replay check and
// the error messages use for it.
//
// An interface without state; an implementation says which thread may call it.
#ifndef WEFT_RUNTIME_RUN_COMMAND_HANDLER_H_
#define WEFT_RUNTIME_RUN_COMMAND_HANDLER_H_

#include <string_view>

#include "runtime/interpreter/command.h"

namespace weft::run {

class CommandHandler {
 public:
  virtual ~CommandHandler() = default;

  virtual void On(const interpreter::ScheduleActivity& command) = 0;
  virtual void On(const interpreter::RequestCancelActivity& command) = 0;
  virtual void On(const interpreter::StartTimer& command) = 0;
  virtual void On(const interpreter::CancelTimer& command) = 0;
  virtual void On(const interpreter::StartChildWorkflow& command) = 0;
  virtual void On(const interpreter::RequestCancelChildWorkflow& command) = 0;
  virtual void On(const interpreter::SignalExternalWorkflow& command) = 0;
  virtual void On(const interpreter::RecordMarker& command) = 0;
  virtual void On(const interpreter::UpsertSearchAttributes& command) = 0;
  virtual void On(const interpreter::UpsertMemo& command) = 0;
  virtual void On(const interpreter::AcceptUpdate& command) = 0;
  virtual void On(const interpreter::RejectUpdate& command) = 0;
  virtual void On(const interpreter::CompleteUpdate& command) = 0;
  virtual void On(const interpreter::RespondToQuery& command) = 0;
  virtual void On(const interpreter::CompleteWorkflow& command) = 0;
  virtual void On(const interpreter::FailWorkflow& command) = 0;
  virtual void On(const interpreter::CancelWorkflowExecution& command) = 0;
  virtual void On(const interpreter::ContinueAsNew& command) = 0;
};

// Calls the handler's On() for the command's kind.
void Dispatch(const interpreter::Command& command, CommandHandler& handler);

// "schedule_activity", "start_timer", ..., "cancel_workflow", "continue_as_new".
std::string_view CommandKindName(const interpreter::Command& command);

// Whether a command leaves a record of its own that replay must find again: a history event
// on Temporal, a journaled command on the embedded engine. Query answers and update
// rejections leave none (Temporal records neither; a rejected update never happened).
bool LeavesRecord(const interpreter::Command& command);
bool KindLeavesRecord(std::string_view kind_name);

}  // namespace weft::run

#endif  // WEFT_RUNTIME_RUN_COMMAND_HANDLER_H_
