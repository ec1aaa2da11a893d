// Replay speed of the Temporal engine in process: what `weft replay` does for one history, from
// the history's JSON text (as `temporal workflow show -o json` prints it) to the verdict, done N
// times after a warm-up. bench/peers/run.py times the Python SDK's Replayer over the same steps
// on a history of the same workflow and length (bench/peers/python/peer.py replay).
//
// A plain timed driver, not a Google Benchmark: run.py reads its one line of JSON. The file is
// read once, outside the timing, as the Python side does; the catalog is not needed, since a
// history weft recorded holds its definition pin.
// Usage: temporal_replay_bench HISTORY.json [repeat=20]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "runtime/temporal/history_replayer.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

// CPU time of the whole process, every thread: less sensitive than wall time to the other
// processes of a shared machine.
double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s HISTORY.json [repeat=20]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot be read\n", argv[1]);
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  const int repeat = argc == 3 ? std::atoi(argv[2]) : 20;
  if (repeat < 1) {
    std::fprintf(stderr, "repeat must be a positive number, not %s\n", argv[2]);
    return 2;
  }

  std::int64_t events = 0;
  Clock::duration parsing{};
  Clock::duration replaying{};
  double cpu_started = 0;
  // The first round is the warm-up (caches, allocator, the descriptor pool): not counted.
  for (int round = 0; round <= repeat; ++round) {
    const auto started = Clock::now();
    auto replayer = weft::temporal::HistoryReplayer::FromJson(json);
    if (!replayer) {
      std::fprintf(stderr, "%s: %s\n", argv[1], replayer.error().c_str());
      return 2;
    }
    const auto parsed = Clock::now();
    auto report = replayer->Replay(nullptr);
    const auto done = Clock::now();
    if (!report) {
      std::fprintf(stderr, "%s: %s\n", argv[1], report.error().c_str());
      return 2;
    }
    if (!report->deterministic()) {
      std::fprintf(stderr, "%s: NOT deterministic at event %lld: %s\n", argv[1],
                   static_cast<long long>(report->divergence->event_id),
                   report->divergence->message.c_str());
      return 1;
    }
    events = report->events;
    if (round == 0) {
      cpu_started = CpuSeconds();
      continue;
    }
    parsing += parsed - started;
    replaying += done - parsed;
  }
  const double parse_seconds = Seconds(parsing) / repeat;
  const double replay_seconds = Seconds(replaying) / repeat;
  const double cpu_seconds = (CpuSeconds() - cpu_started) / repeat;
  std::printf(
      "{\"events\": %lld, \"repeat\": %d, \"seconds_per_replay\": %.6f, \"parse_seconds\": %.6f, "
      "\"replay_seconds\": %.6f, \"cpu_seconds_per_replay\": %.6f}\n",
      static_cast<long long>(events), repeat, parse_seconds + replay_seconds, parse_seconds,
      replay_seconds, cpu_seconds);
  return 0;
}
