// ThreadCpuSeconds: CPU seconds (utime + stime) this process's threads have used so far, summed
// per thread name (/proc/self/task/*/stat), so that a benchmark can say which thread limits it:
// the engine's threads are named (weft-engine, weft-journal, weft-activity); ThreadCpuClock,
// one named thread's CPU clock, to read at every step; and ProcessCpuSeconds, the whole
// process's. Linux only.
#ifndef WEFT_BENCH_EMBEDDED_THREAD_CPU_H_
#define WEFT_BENCH_EMBEDDED_THREAD_CPU_H_

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace weft::bench {

inline std::map<std::string, double> ThreadCpuSeconds() {
  std::map<std::string, double> seconds;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream stat(task.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto open = text.find('('), close = text.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    const std::string name = text.substr(open + 1, close - open - 1);
    std::istringstream rest(text.substr(close + 2));
    std::string field;
    std::vector<std::string> fields;
    while (rest >> field) fields.push_back(field);
    if (fields.size() < 13) continue;
    // After the name: state is field 3 of stat(5); utime and stime are 14 and 15.
    seconds[name] += (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
  }
  return seconds;
}

// The CPU clock of the first of this process's threads named `name` (for clock_gettime, cheap
// enough to read at every step); nullopt when there is none. What pthread_getcpuclockid
// computes, from the thread id rather than a pthread_t the engine does not expose.
inline std::optional<clockid_t> ThreadCpuClock(const std::string& name) {
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string found;
    std::getline(comm, found);
    if (found != name) continue;
    const auto tid = static_cast<clockid_t>(std::stol(task.path().filename().string()));
    return static_cast<clockid_t>((~tid << 3) | 6);  // CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED
  }
  return std::nullopt;
}

// Nanoseconds of CPU on `clock` (a thread's or CLOCK_PROCESS_CPUTIME_ID).
inline std::int64_t CpuNanoseconds(clockid_t clock) {
  timespec now{};
  ::clock_gettime(clock, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// Every thread's, those that ended included (getrusage).
inline double ProcessCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace weft::bench

#endif  // WEFT_BENCH_EMBEDDED_THREAD_CPU_H_
