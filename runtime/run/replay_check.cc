#include "runtime/run/replay_check.h"

#include <utility>

#include "runtime/run/command_handler.h"

namespace weft::run {
namespace {

namespace ij = interpreter;
using nlohmann::json;

class IdentityOf final : public CommandHandler {
 public:
  json identity = json::object();

  void On(const ij::ScheduleActivity& c) override {
    identity = {{"activity_id", c.activity_id}, {"activity_type", c.activity_type}};
  }
  void On(const ij::RequestCancelActivity&) override {}
  void On(const ij::StartTimer& c) override { identity = {{"seq", c.seq}}; }
  void On(const ij::CancelTimer& c) override { identity = {{"seq", c.seq}}; }
  void On(const ij::StartChildWorkflow& c) override {
    identity = {{"workflow_type", c.workflow_type}};
  }
  void On(const ij::RequestCancelChildWorkflow&) override {}
  void On(const ij::SignalExternalWorkflow& c) override { identity = {{"signal", c.signal}}; }
  void On(const ij::RecordMarker& c) override { identity = {{"name", c.name}}; }
  void On(const ij::UpsertSearchAttributes&) override {}
  void On(const ij::UpsertMemo&) override {}
  void On(const ij::AcceptUpdate& c) override { identity = {{"id", c.id}}; }
  void On(const ij::RejectUpdate& c) override { identity = {{"id", c.id}}; }
  void On(const ij::CompleteUpdate& c) override { identity = {{"id", c.id}}; }
  void On(const ij::RespondToQuery& c) override { identity = {{"id", c.id}}; }
  void On(const ij::CompleteWorkflow&) override {}
  void On(const ij::FailWorkflow&) override {}
  void On(const ij::CancelWorkflowExecution&) override {}
  void On(const ij::ContinueAsNew&) override {}
};

// A recorded command in a line: its kind and, of its fields, at most a line's worth.
std::string DescribeRecorded(const RecordedCommand& recorded) {
  std::string fields = recorded.fields.is_object() && !recorded.fields.empty()
                           ? " " + recorded.fields.dump()
                           : std::string();
  constexpr std::size_t kMaxFields = 200;
  if (fields.size() > kMaxFields) fields = fields.substr(0, kMaxFields) + "...";
  return recorded.kind + fields;
}

NonDeterminism Make(std::string code, std::string where, std::string recorded, std::string produced,
                    const std::string& what) {
  NonDeterminism error{.code = std::move(code),
                       .where = std::move(where),
                       .recorded = std::move(recorded),
                       .produced = std::move(produced)};
  error.message = "[" + error.code + "] nondeterministic workflow: " + what;
  return error;
}

}  // namespace

ij::Failure NonDeterminism::ToFailure() const {
  ij::Failure failure{.kind = ij::Failure::Kind::kNonDeterminism,
                      .type = "NonDeterminism",
                      .message = message,
                      .non_retryable = true};
  failure.details = {{"code", code}, {"where", where}};
  if (!recorded.empty()) failure.details["recorded"] = recorded;
  if (!produced.empty()) failure.details["produced"] = produced;
  return failure;
}

json CommandIdentity(const ij::Command& command) {
  IdentityOf visitor;
  Dispatch(command, visitor);
  return std::move(visitor.identity);
}

std::string DescribeCommand(const ij::Command& command) {
  const json identity = CommandIdentity(command);
  return std::string(CommandKindName(command)) + (identity.empty() ? "" : " " + identity.dump());
}

std::expected<void, NonDeterminism> CheckReplayed(const RecordedCommand& recorded,
                                                  const ij::Command& produced) {
  bool same = recorded.kind == CommandKindName(produced);
  const json identity = CommandIdentity(produced);
  for (auto field = identity.begin(); same && field != identity.end(); ++field) {
    same = recorded.fields.is_object() && recorded.fields.contains(field.key()) &&
           recorded.fields.at(field.key()) == field.value();
  }
  if (same) return {};
  const std::string was = DescribeRecorded(recorded);
  const std::string now = DescribeCommand(produced);
  return std::unexpected(
      Make(kCommandMismatch, recorded.where, was, now,
           recorded.where + " recorded " + was + " but the workflow now produces " + now));
}

NonDeterminism UnrecordedCommand(const ij::Command& produced, std::string where) {
  const std::string now = DescribeCommand(produced);
  const std::string what =
      "the workflow produced " + now + " but " + where + " has no record of it";
  return Make(kUnrecordedCommand, std::move(where), "", now, what);
}

NonDeterminism UnproducedCommand(const RecordedCommand& recorded) {
  const std::string was = DescribeRecorded(recorded);
  return Make(kUnproducedCommand, recorded.where, was, "",
              recorded.where + " recorded " + was + " but the workflow produced no such command");
}

std::expected<void, NonDeterminism> CheckReplayedAll(const std::vector<RecordedCommand>& recorded,
                                                     const std::vector<ij::Command>& produced,
                                                     const std::string& where) {
  std::vector<const RecordedCommand*> kept;
  for (const RecordedCommand& entry : recorded) {
    if (KindLeavesRecord(entry.kind)) kept.push_back(&entry);
  }
  std::size_t next = 0;
  for (const ij::Command& command : produced) {
    if (!LeavesRecord(command)) continue;
    if (next == kept.size()) return std::unexpected(UnrecordedCommand(command, where));
    if (auto same = CheckReplayed(*kept[next], command); !same) return same;
    ++next;
  }
  if (next < kept.size()) return std::unexpected(UnproducedCommand(*kept[next]));
  return {};
}

}  // namespace weft::run
