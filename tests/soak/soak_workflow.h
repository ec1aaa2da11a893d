// SoakWorkflow: the chaos soak's generated workflows (issue 18), and what each run of them must
// output, computed here by a model of the generated steps, never by weft's interpreter: the
// soak's checker compares the engines against this independent arithmetic.
//
// A catalogue is a handful of definitions (`soak-<k>`) drawn from a seed, plus one child
// definition (`soak-child`). Each definition is a list of blocks that transform one integer,
// `vars.x`, starting from the run's input `n`:
//
//   call      x = Step(x, add)                    one soak.step; sometimes it fails its first
//                                                 attempt (retried)
//   timer     wait, then x = x + add
//   signal    await a signal sent from outside, then x = x + its payload's v
//   parallel  x = Step(x, a) + Step(x, b)         two branches, one call each
//   foreach   x = sum of Step(x + i, add)         i < count, `concurrency` at once
//   child     x = the child's output, Step(x, add) after a short timer
//   try       a call with a compensation, then a call that fails for good; the catch runs the
//             compensation and sets x = x + add
//
// Every activity is `soak.step` (soak_step.h); its identity in the ledger is
// "<workflow id>#<step id>" ("#<step id>.<index>" inside a foreach). A run's plan (SoakRun)
// holds its input, the signals to send, the output expected and the activities that must have
// completed, for the run and for each child it starts (whose workflow id is
// "<parent id>/<step id>").
//
// Pure and deterministic: the same seed gives the same catalogue and plans on every process
// (the embedded driver rebuilds the catalogue from the seed it is given). Thread-compatible.
#ifndef WEFT_TESTS_SOAK_SOAK_WORKFLOW_H_
#define WEFT_TESTS_SOAK_SOAK_WORKFLOW_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace weft::soak {

// What soak.step computes from its `value` and `add`; kept small so sums stay exact.
std::int64_t Step(std::int64_t value, std::int64_t add);

struct SoakBlock {
  enum class Kind { kCall, kTimer, kSignal, kParallel, kForeach, kChild, kTry };
  Kind kind = Kind::kCall;
  std::string id;       // the block's step id ("b3"); its parts' ids extend it ("b3_a")
  std::int64_t a = 0;   // add (call, timer, foreach, child, try), branch a's add (parallel)
  std::int64_t b = 0;   // branch b's add (parallel), the compensation's add (try)
  int count = 0;        // foreach: items; timer: milliseconds
  int concurrency = 1;  // foreach
  bool flaky = false;   // call: its first attempt fails with a retryable error
  std::string signal;   // signal: its name
};

struct SoakDefinition {
  std::string name;
  std::vector<SoakBlock> blocks;
  std::string yaml;
};

struct SoakCatalogue {
  std::vector<SoakDefinition> definitions;  // every block kind occurs in at least one
  std::string child_yaml;                   // soak-child
};

inline constexpr char kChildName[] = "soak-child";

SoakCatalogue GenerateCatalogue(std::uint64_t seed, int definitions = 12);

// One workflow the soak starts, or a child of one, and what it must end with.
struct SoakRun {
  std::string workflow_id;
  std::string workflow_type;
  nlohmann::json input;
  std::vector<std::pair<std::string, nlohmann::json>> signals;  // name, payload; empty for children
  nlohmann::json expected_output;
  std::vector<std::string> activities;  // ledger ids that must have completed
};

// The plan of run `workflow_id` of `definition`, with `random` drawing its input and signal
// payloads: first the run itself, then one SoakRun per child it starts.
std::vector<SoakRun> PlanRun(const SoakDefinition& definition, const std::string& workflow_id,
                             std::mt19937_64& random);

}  // namespace weft::soak

#endif  // WEFT_TESTS_SOAK_SOAK_WORKFLOW_H_
