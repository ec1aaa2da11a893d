#include "runtime/run/command_handler.h"

#include <variant>

namespace weft::run {
namespace {

namespace ij = interpreter;

// The names are part of the journal's format: never rename one.
class KindNamer final : public CommandHandler {
 public:
  std::string_view name;

  void On(const ij::ScheduleActivity&) override { name = "schedule_activity"; }
  void On(const ij::RequestCancelActivity&) override { name = "request_cancel_activity"; }
  void On(const ij::StartTimer&) override { name = "start_timer"; }
  void On(const ij::CancelTimer&) override { name = "cancel_timer"; }
  void On(const ij::StartChildWorkflow&) override { name = "start_child_workflow"; }
  void On(const ij::RequestCancelChildWorkflow&) override {
    name = "request_cancel_child_workflow";
  }
  void On(const ij::SignalExternalWorkflow&) override { name = "signal_external_workflow"; }
  void On(const ij::RecordMarker&) override { name = "record_marker"; }
  void On(const ij::UpsertSearchAttributes&) override { name = "upsert_search_attributes"; }
  void On(const ij::UpsertMemo&) override { name = "upsert_memo"; }
  void On(const ij::AcceptUpdate&) override { name = "accept_update"; }
  void On(const ij::RejectUpdate&) override { name = "reject_update"; }
  void On(const ij::CompleteUpdate&) override { name = "complete_update"; }
  void On(const ij::RespondToQuery&) override { name = "respond_to_query"; }
  void On(const ij::CompleteWorkflow&) override { name = "complete_workflow"; }
  void On(const ij::FailWorkflow&) override { name = "fail_workflow"; }
  void On(const ij::CancelWorkflowExecution&) override { name = "cancel_workflow"; }
  void On(const ij::ContinueAsNew&) override { name = "continue_as_new"; }
};

}  // namespace

void Dispatch(const ij::Command& command, CommandHandler& handler) {
  std::visit([&handler](const auto& alternative) { handler.On(alternative); }, command);
}

std::string_view CommandKindName(const ij::Command& command) {
  KindNamer namer;
  Dispatch(command, namer);
  return namer.name;
}

bool KindLeavesRecord(std::string_view kind_name) {
  return kind_name != "respond_to_query" && kind_name != "reject_update";
}

bool LeavesRecord(const ij::Command& command) { return KindLeavesRecord(CommandKindName(command)); }

}  // namespace weft::run
