#include "tests/soak/soak_checker.h"

#include <set>
#include <unordered_map>

namespace weft::soak {

std::string_view KindName(Violation::Kind kind) {
  switch (kind) {
    case Violation::Kind::kLostRun:
      return "lost run";
    case Violation::Kind::kStuckRun:
      return "stuck run";
    case Violation::Kind::kWrongOutput:
      return "wrong output";
    case Violation::Kind::kNonDeterminism:
      return "non-determinism";
    case Violation::Kind::kExecutedAfterCompletion:
      return "executed after completion";
    case Violation::Kind::kCompletionNotInLedger:
      return "completion not in ledger";
    case Violation::Kind::kMissingActivity:
      return "missing activity";
  }
  return "?";
}

std::vector<Violation> CheckSoak(const SoakEvidence& evidence) {
  using Kind = Violation::Kind;
  std::vector<Violation> found;

  std::unordered_map<std::string, std::size_t> start_of_token;  // token -> line index
  std::unordered_map<std::string, std::vector<std::size_t>> starts_of_activity;
  std::set<std::string> ended_well;
  for (std::size_t i = 0; i < evidence.ledger.lines.size(); ++i) {
    const LedgerLine& line = evidence.ledger.lines[i];
    if (line.phase == LedgerLine::Phase::kStart) {
      start_of_token.emplace(line.token, i);
      starts_of_activity[line.activity].push_back(i);
    } else if (line.ok) {
      ended_well.insert(line.activity);
    }
  }

  for (const SoakRun& run : evidence.expected) {
    const auto final_run = evidence.final_runs.find(run.workflow_id);
    const FinalRun::Status status = final_run == evidence.final_runs.end()
                                        ? FinalRun::Status::kMissing
                                        : final_run->second.status;
    if (status != FinalRun::Status::kMissing && final_run->second.non_determinism_errors > 0) {
      found.push_back({Kind::kNonDeterminism, run.workflow_id,
                       std::to_string(final_run->second.non_determinism_errors) + " error(s)"});
    }
    switch (status) {
      case FinalRun::Status::kMissing:
        found.push_back({Kind::kLostRun, run.workflow_id, "the engine does not know it"});
        continue;
      case FinalRun::Status::kOpen:
        found.push_back({Kind::kStuckRun, run.workflow_id, "still open"});
        continue;
      case FinalRun::Status::kFailed:
        found.push_back(
            {Kind::kWrongOutput, run.workflow_id,
             "failed: " + final_run->second.failure + "; expected " + run.expected_output.dump()});
        continue;
      case FinalRun::Status::kCompleted:
        if (final_run->second.output != run.expected_output) {
          found.push_back(
              {Kind::kWrongOutput, run.workflow_id,
               final_run->second.output.dump() + ", expected " + run.expected_output.dump()});
        }
        break;
    }
    for (const std::string& activity : run.activities) {
      if (!ended_well.contains(activity)) {
        found.push_back(
            {Kind::kMissingActivity, activity, "no successful execution in the ledger"});
      }
    }
  }

  std::set<std::string> recorded_once;
  for (const RecordedCompletion& completion : evidence.recorded) {
    if (!recorded_once.insert(completion.activity).second) {
      found.push_back({Kind::kExecutedAfterCompletion, completion.activity,
                       "a second completion recorded (token " + completion.token + ")"});
    }
    const auto start = start_of_token.find(completion.token);
    if (start == start_of_token.end()) {
      found.push_back({Kind::kCompletionNotInLedger, completion.activity,
                       "token " + completion.token + " never started"});
      continue;
    }
    for (std::size_t later : starts_of_activity[completion.activity]) {
      if (later > start->second) {
        found.push_back({Kind::kExecutedAfterCompletion, completion.activity,
                         "execution " + evidence.ledger.lines[later].token +
                             " started after the recorded " + completion.token});
      }
    }
  }
  return found;
}

}  // namespace weft::soak
