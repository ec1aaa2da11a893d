// NewUuid: a random UUID (version 4) for run ids, workflow ids, request ids and a worker's
// instance key, on both engines. Each takes 122 random bits from the kernel (getrandom), so ids
// minted by many processes at once, and by processes started at the same instant, do not
// collide; never from workflow code, whose randomness comes from the activation (run_seed.h).
//
// Thread-safe.
#ifndef WEFT_RUNTIME_RUN_RANDOM_ID_H_
#define WEFT_RUNTIME_RUN_RANDOM_ID_H_

#include <string>

namespace weft::run {

std::string NewUuid();

}  // namespace weft::run

#endif  // WEFT_RUNTIME_RUN_RANDOM_ID_H_
