// DeterministicRandom: the source of uuid() and random() in a run. It is seeded from
// StartWorkflow::random_seed, which an engine derives from what it recorded when the run
// started, so every replay of the run draws the same values in the same order without
// recording each one. SplitMix64: tiny state, good statistical quality, and no dependence on
// the standard library's unspecified distributions.
//
// Not thread-safe; owned by one WorkflowInstance.
#ifndef WEFT_RUNTIME_INTERPRETER_DETERMINISTIC_RANDOM_H_
#define WEFT_RUNTIME_INTERPRETER_DETERMINISTIC_RANDOM_H_

#include <cstdint>
#include <string>

namespace weft::interpreter {

class DeterministicRandom {
 public:
  explicit DeterministicRandom(std::uint64_t seed = 0) : state_(seed) {}

  std::uint64_t Next();
  // Uniform in [0, 1), from the top 53 bits.
  double NextDouble();
  // A version 4 UUID in its canonical text form.
  std::string NextUuid();

 private:
  std::uint64_t state_;
};

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_DETERMINISTIC_RANDOM_H_
