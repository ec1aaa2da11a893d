// ThreadCpuSeconds: CPU seconds (utime + stime) this process's threads have used so far, summed
// per thread name (/proc/self/task/*/stat), so that a benchmark can say which thread limits it:
// the engine's threads are named (weft-engine, weft-journal, weft-activity). Linux only.
#ifndef WEFT_BENCH_EMBEDDED_THREAD_CPU_H_
#define WEFT_BENCH_EMBEDDED_THREAD_CPU_H_

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
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

}  // namespace weft::bench

#endif  // WEFT_BENCH_EMBEDDED_THREAD_CPU_H_
