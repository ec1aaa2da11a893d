// SoakChecker: what a chaos soak must prove once its engine has been killed and restarted, as a
// pure function of the evidence: the runs planned with their outputs computed independently
// (soak_workflow.h), how each run ended as the engine reports it, the completions the engine
// recorded (recorded_completion.h), and the ledger of executions kept outside weft (ledger.h).
//
// The violations it finds:
//   lost run                   the engine does not know a run the soak started (or a child)
//   stuck run                  a run still open when the soak gave up waiting
//   wrong output               a run that failed, or completed with another output than computed
//   non-determinism            a run whose record holds a non-determinism error
//   executed after completion  an execution of an activity started after the execution whose
//                              completion the engine recorded (or two completions recorded)
//   completion not in ledger   a recorded completion whose execution the ledger lacks
//   missing activity           an activity the run needed (a compensation included) that never
//                              ended well in the ledger
//
// "Executed again" is judged as Temporal promises it: an execution that completed but whose
// completion was not yet recorded when its process died may run again; none may start after
// the one that was recorded. Pure; thread-compatible.
#ifndef WEFT_TESTS_SOAK_SOAK_CHECKER_H_
#define WEFT_TESTS_SOAK_SOAK_CHECKER_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tests/soak/ledger.h"
#include "tests/soak/recorded_completion.h"
#include "tests/soak/soak_workflow.h"

namespace weft::soak {

struct FinalRun {
  enum class Status { kMissing, kOpen, kCompleted, kFailed };
  Status status = Status::kMissing;
  nlohmann::json output;           // kCompleted
  std::string failure;             // kFailed (any ending but completion): why
  int non_determinism_errors = 0;  // in the run's record
};

struct SoakEvidence {
  std::vector<SoakRun> expected;
  std::map<std::string, FinalRun> final_runs;  // by workflow id; absent: kMissing
  std::vector<RecordedCompletion> recorded;
  Ledger ledger;
};

struct Violation {
  enum class Kind {
    kLostRun,
    kStuckRun,
    kWrongOutput,
    kNonDeterminism,
    kExecutedAfterCompletion,
    kCompletionNotInLedger,
    kMissingActivity,
  };
  Kind kind;
  std::string subject;  // the workflow id or the activity id
  std::string detail;
};

std::string_view KindName(Violation::Kind kind);

std::vector<Violation> CheckSoak(const SoakEvidence& evidence);

}  // namespace weft::soak

#endif  // WEFT_TESTS_SOAK_SOAK_CHECKER_H_
