// ReplayCheck: the one non-determinism check of both engines. When a run is rebuilt from what
// was recorded (a Temporal history, the embedded journal), the interpreter must produce the
// commands that were recorded, in the same order. Each engine turns its record into
// RecordedCommands; the comparison, its rules and its error live here, so that a divergence
// reads the same on both engines and carries a stable code.
//
// A command's identity is the few fields that say which operation it is, as Temporal's SDKs
// match commands to events: an activity's id and type, a timer's seq, a marker's name, a
// child's workflow type, a signal's name, an update's id; the other kinds match by kind alone.
// Inputs and options are not compared: Temporal does not compare them either, and a run
// replays the definition it is pinned to, so they cannot change without the identity changing
// too. Commands that leave no record (LeavesRecord) are never compared.
//
// Codes (stable; never renumbered or reused):
//   WEFT3001  a recorded command and the command produced in its place differ
//   WEFT3002  the run produced a command that the record does not have
//   WEFT3003  the record has a command that the run did not produce
//
// Pure functions; thread-safe.
#ifndef WEFT_RUNTIME_RUN_REPLAY_CHECK_H_
#define WEFT_RUNTIME_RUN_REPLAY_CHECK_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/interpreter/command.h"
#include "runtime/interpreter/failure.h"

namespace weft::run {

inline constexpr char kCommandMismatch[] = "WEFT3001";
inline constexpr char kUnrecordedCommand[] = "WEFT3002";
inline constexpr char kUnproducedCommand[] = "WEFT3003";

// A command as the record holds it.
struct RecordedCommand {
  std::string kind;       // CommandKindName's names
  nlohmann::json fields;  // an object holding at least the identity fields, named as there
  std::string where;      // "event 7 (EVENT_TYPE_TIMER_STARTED)", "activation 3, command 2"
};

// Replay diverged from the record. Temporal's SDKs fail the workflow task (NON_DETERMINISTIC
// cause); the embedded engine fails the run with ToFailure(), which `catch` never catches.
struct NonDeterminism {
  std::string code;      // kCommandMismatch, kUnrecordedCommand or kUnproducedCommand
  std::string where;     // the recorded command's place; for WEFT3002 where it was expected
  std::string recorded;  // the recorded command, described; empty for WEFT3002
  std::string produced;  // the produced command, described; empty for WEFT3003
  std::string message;   // "[WEFT3001] nondeterministic workflow: ..."

  interpreter::Failure ToFailure() const;
};

// {"activity_id": "1", "activity_type": "payments.charge"} for a ScheduleActivity; {} for
// kinds that match by kind alone.
nlohmann::json CommandIdentity(const interpreter::Command& command);

// "schedule_activity {"activity_id":"1","activity_type":"payments.charge"}".
std::string DescribeCommand(const interpreter::Command& command);

// Whether `produced` is the command `recorded` holds: same kind, and every identity field of
// `produced` equal in `recorded.fields`.
std::expected<void, NonDeterminism> CheckReplayed(const RecordedCommand& recorded,
                                                  const interpreter::Command& produced);
NonDeterminism UnrecordedCommand(const interpreter::Command& produced, std::string where);
NonDeterminism UnproducedCommand(const RecordedCommand& recorded);

// One batch at once (one activation of the embedded engine): the recorded commands and the
// produced ones that leave a record must correspond one for one, in order.
std::expected<void, NonDeterminism> CheckReplayedAll(
    const std::vector<RecordedCommand>& recorded, const std::vector<interpreter::Command>& produced,
    const std::string& where);

}  // namespace weft::run

#endif  // WEFT_RUNTIME_RUN_REPLAY_CHECK_H_
