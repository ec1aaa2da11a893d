#include "runtime/run/run_seed.h"

namespace weft::run {

// FNV-1a, 64 bits: cheap, stable across platforms and releases, and good enough to spread
// run ids (which are random already) over the seed space.
std::uint64_t RunSeed(std::string_view first_run_id) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : first_run_id) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

}  // namespace weft::run
