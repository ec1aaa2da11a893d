// ResidentBytes: this process's resident set (/proc/self/statm), for the benchmarks that
// measure what the engine holds per run. Linux only.
#ifndef WEFT_BENCH_EMBEDDED_RESIDENT_MEMORY_H_
#define WEFT_BENCH_EMBEDDED_RESIDENT_MEMORY_H_

#include <unistd.h>

#include <fstream>

namespace weft::bench {

inline long ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

}  // namespace weft::bench

#endif  // WEFT_BENCH_EMBEDDED_RESIDENT_MEMORY_H_
