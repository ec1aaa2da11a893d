// CommandCarrier: what the embedded engine does with each command of one activation. It adds
// the command's journal writes to the activation's batch (committed in one transaction with
// the activation itself) and its effects to the engine's state: an activity to schedule, a
// timer's deadline, a child run, a signal into another run's inbox, a reply to a waiting
// client, the run's close.
//
// A run::CommandHandler, so a new command kind does not compile until it is handled here.
// One carrier per activation; engine thread only.
#ifndef WEFT_RUNTIME_EMBEDDED_COMMAND_CARRIER_H_
#define WEFT_RUNTIME_EMBEDDED_COMMAND_CARRIER_H_

#include <cstdint>

#include "runtime/embedded/journal.h"
#include "runtime/run/command_handler.h"

namespace weft::embedded {

struct EngineCore;
struct Run;

class CommandCarrier final : public run::CommandHandler {
 public:
  CommandCarrier(EngineCore& core, Run& run, std::int64_t now_ms, JournalBatch& batch)
      : core_(core), run_(run), now_ms_(now_ms), batch_(batch) {}

  void On(const interpreter::ScheduleActivity& command) override;
  void On(const interpreter::RequestCancelActivity& command) override;
  void On(const interpreter::StartTimer& command) override;
  void On(const interpreter::CancelTimer& command) override;
  void On(const interpreter::StartChildWorkflow& command) override;
  void On(const interpreter::RequestCancelChildWorkflow& command) override;
  void On(const interpreter::SignalExternalWorkflow& command) override;
  void On(const interpreter::RecordMarker& command) override;
  void On(const interpreter::UpsertSearchAttributes& command) override;
  void On(const interpreter::UpsertMemo& command) override;
  void On(const interpreter::AcceptUpdate& command) override;
  void On(const interpreter::RejectUpdate& command) override;
  void On(const interpreter::CompleteUpdate& command) override;
  void On(const interpreter::RespondToQuery& command) override;
  void On(const interpreter::CompleteWorkflow& command) override;
  void On(const interpreter::FailWorkflow& command) override;
  void On(const interpreter::CancelWorkflowExecution& command) override;
  void On(const interpreter::ContinueAsNew& command) override;

 private:
  EngineCore& core_;
  Run& run_;
  const std::int64_t now_ms_;
  JournalBatch& batch_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_COMMAND_CARRIER_H_
