// SoakStep: the soak's one activity, `soak.step`, as both engines run it: registered in the
// embedded soak driver's process, and in the ledger plugin that `weft worker --plugin` loads.
//
// Arguments: {wf, step, index, value, add, flaky?, fail?} (soak_workflow.cc writes them). It
// appends `start` to the ledger, works a few milliseconds (so that kills catch executions in
// flight), then appends `end` and returns {"value": Step(value, add), "token", "id"}: the token
// of this execution and its activity id travel in the result into the engine's record. With
// `fail` it fails with the non-retryable type SoakFailure; with `flaky` its first attempt fails
// with the retryable type SoakFlaky.
//
// Thread-safe: executions run on many threads at once.
#ifndef WEFT_TESTS_SOAK_SOAK_STEP_H_
#define WEFT_TESTS_SOAK_SOAK_STEP_H_

#include <nlohmann/json.hpp>
#include <string>

#include "tests/soak/ledger.h"

namespace weft::soak {

inline constexpr char kSoakStepName[] = "soak.step";

struct SoakStepOutcome {
  bool ok = true;
  nlohmann::json result;   // ok
  std::string error_type;  // not ok: SoakFailure, SoakFlaky, SoakLedger
  std::string message;
  bool retryable = false;
};

// The activity id in the ledger of the call with these arguments.
std::string SoakActivityId(const nlohmann::json& args);

SoakStepOutcome RunSoakStep(const nlohmann::json& args, int attempt, LedgerWriter& ledger);

}  // namespace weft::soak

#endif  // WEFT_TESTS_SOAK_SOAK_STEP_H_
