// RunSeed: the one rule for the seed of a run's uuid() and random(), on every engine. The seed
// derives from the id of the first run of a continue-as-new chain (Temporal's
// original_execution_run_id), so it is the same for every replay of a run and for every run of
// the chain; sdk-core seeds its randomness from the same id. A child workflow starts a chain
// of its own.
//
// Pure function; thread-safe.
#ifndef WEFT_RUNTIME_RUN_RUN_SEED_H_
#define WEFT_RUNTIME_RUN_RUN_SEED_H_

#include <cstdint>
#include <string_view>

namespace weft::run {

std::uint64_t RunSeed(std::string_view first_run_id);

}  // namespace weft::run

#endif  // WEFT_RUNTIME_RUN_RUN_SEED_H_
