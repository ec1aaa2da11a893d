// SoakKnobs: how long a soak runs, from the environment, so that CI runs it for minutes and a
// person for hours with the same test (docs/reliability.md#the-long-versions):
//
//   WEFT_SOAK_RUNS      workflows started (their children come on top)
//   WEFT_SOAK_KILLS     SIGKILLs of the engine (embedded) or of the worker (Temporal)
//   WEFT_SOAK_RESTARTS  restarts of the Temporal dev server on its database
//   WEFT_SOAK_SEED      the catalogue's and the plans' seed (default: random, printed)
//   WEFT_SOAK_IN_FLIGHT runs open at once, at most
//
// Read once, on the test's thread.
#ifndef WEFT_TESTS_SOAK_SOAK_KNOBS_H_
#define WEFT_TESTS_SOAK_SOAK_KNOBS_H_

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

namespace weft::soak {

struct SoakKnobs {
  int runs = 0;
  int kills = 0;
  int restarts = 0;
  int in_flight = 0;
  std::uint64_t seed = 0;
};

inline std::int64_t KnobOr(const char* name, std::int64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::stoll(value) : fallback;
}

inline SoakKnobs ReadSoakKnobs(const SoakKnobs& defaults) {
  return {.runs = static_cast<int>(KnobOr("WEFT_SOAK_RUNS", defaults.runs)),
          .kills = static_cast<int>(KnobOr("WEFT_SOAK_KILLS", defaults.kills)),
          .restarts = static_cast<int>(KnobOr("WEFT_SOAK_RESTARTS", defaults.restarts)),
          .in_flight = static_cast<int>(KnobOr("WEFT_SOAK_IN_FLIGHT", defaults.in_flight)),
          .seed = static_cast<std::uint64_t>(
              KnobOr("WEFT_SOAK_SEED", std::random_device{}() & 0x7fffffff))};
}

}  // namespace weft::soak

#endif  // WEFT_TESTS_SOAK_SOAK_KNOBS_H_
