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

// A UUID of version 7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, the
// other 74 random. For the embedded journal's run ids: rows keyed by run id (a run's
// activations and operations) of the runs open at once then sit side by side at the end of
// their B-trees, so a commit of many runs' steps touches a few pages instead of one page per
// run scattered over the whole file.
std::string NewTimeOrderedUuid();

// Eight random hex digits: the suffix of a default workflow id ("<workflow>-1f3a9c0e"). Not a
// run id's prefix, which for a time-ordered UUID is the same for runs started close together.
std::string NewShortId();

}  // namespace weft::run

#endif  // WEFT_RUNTIME_RUN_RANDOM_ID_H_
