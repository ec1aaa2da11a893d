// What a client in another process waits for a run executed by `weft serve` (issue 17, point
// 2): a real `weft serve` on a fresh journal on disk, and clients that start runs and await
// them, as the CLI, the MCP tools and a program using the client library do:
//   (a) in-process clients of the client library (client::EmbeddedClient, Start then Result):
//       `in_flight` threads, each with its own client, until `runs` are done (runs/s); then one
//       thread, one run at a time (p50/p95 from the start to the result read);
//   (b) `weft run` processes against the service: `processes` of them, `parallel` at a time
//       (runs/s, p50/p95 of a process from its start to its exit).
// The workflow is one `return` step: what is measured is the way to the engine and back, not
// the run. The `weft` binary is an argument, so that a build from before the doorbell and one
// after can be compared with the same harness logic, each with its own client library
// (bench/embedded/serve_clients_compare.sh alternates them).
//
// A plain timed driver, not a Google Benchmark: the quantities are one burst's wall time and
// the distribution of single waits.
// Usage: embedded_serve_clients_bench LABEL WEFT [runs=4000] [in_flight=200] [one_by_one=200]
//                                     [processes=100] [parallel=8] [folder=./serve-clients-bench]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/client/embedded_client.h"

namespace {

namespace fs = std::filesystem;
using namespace weft;
using Clock = std::chrono::steady_clock;

constexpr const char* kEcho = R"(dsl: 1
name: echo
input: {type: object, properties: {n: {type: integer}}}
steps:
  - {id: done, return: '${ input.n }'}
)";

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()))];
}

// `weft serve` on the folder, tied to this process (killed with it), its output in a log.
class Serve {
 public:
  Serve(const std::string& weft, const fs::path& folder) : log_(folder / "serve.log") {
    const std::string journal = (folder / "journal.db").string();
    const std::string workflows = (folder / "workflows").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int out = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
      ::execl(weft.c_str(), "weft", "serve", "--journal", journal.c_str(), "--workflows",
              workflows.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~Serve() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  // Until it says it serves; false if it exits first or takes more than 60 s.
  bool WaitReady() const {
    const auto until = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < until) {
      std::ifstream in(log_);
      std::stringstream text;
      text << in.rdbuf();
      if (text.str().find(" open runs)") != std::string::npos) return true;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

 private:
  fs::path log_;
  pid_t pid_ = -1;
};

std::unique_ptr<client::EmbeddedClient> Client(const fs::path& folder) {
  auto client = client::EmbeddedClient::Open(
      {.journal = folder / "journal.db", .workflows = folder / "workflows"});
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().message.c_str());
    std::exit(1);
  }
  return std::move(*client);
}

void StartAndAwait(client::EmbeddedClient& client, int n) {
  auto started = client.Start({.workflow = "echo", .input = {{"n", n}}});
  if (!started) {
    std::fprintf(stderr, "start: %s\n", started.error().message.c_str());
    std::exit(1);
  }
  auto outcome = client.Result(started->execution);
  if (!outcome || outcome->result != n) {
    std::fprintf(stderr, "result: %s\n", outcome ? "wrong" : outcome.error().message.c_str());
    std::exit(1);
  }
}

double InFlight(const fs::path& folder, int runs, int in_flight) {
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  const auto began = Clock::now();
  for (int t = 0; t < in_flight; ++t) {
    threads.emplace_back([&] {
      auto client = Client(folder);
      for (int n = next++; n < runs; n = next++) StartAndAwait(*client, n);
    });
  }
  for (auto& thread : threads) thread.join();
  return runs / std::chrono::duration<double>(Clock::now() - began).count();
}

std::vector<double> OneByOne(const fs::path& folder, int runs) {
  auto client = Client(folder);
  std::vector<double> ms;
  for (int n = 0; n < runs; ++n) {
    const auto began = Clock::now();
    StartAndAwait(*client, n);
    ms.push_back(Ms(Clock::now() - began));
  }
  return ms;
}

// `processes` runs of `weft run`, `parallel` at a time: runs/s and each process's wall time.
std::pair<double, std::vector<double>> Processes(const std::string& weft, const fs::path& folder,
                                                 int processes, int parallel) {
  const std::string journal = (folder / "journal.db").string();
  const std::string workflows = (folder / "workflows").string();
  std::atomic<int> next{0};
  std::vector<std::vector<double>> per_thread(parallel);
  std::vector<std::thread> threads;
  const auto began = Clock::now();
  for (int t = 0; t < parallel; ++t) {
    threads.emplace_back([&, t] {
      for (int n = next++; n < processes; n = next++) {
        const std::string input = "{\"n\": " + std::to_string(n) + "}";
        const char* argv[] = {
            "weft",        "run",       "echo",          "--new",       "--input",
            input.c_str(), "--journal", journal.c_str(), "--workflows", workflows.c_str(),
            nullptr};
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        const auto start = Clock::now();
        pid_t pid = 0;
        if (::posix_spawn(&pid, weft.c_str(), &actions, nullptr, const_cast<char**>(argv),
                          environ) != 0) {
          std::exit(1);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        per_thread[t].push_back(Ms(Clock::now() - start));
        posix_spawn_file_actions_destroy(&actions);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
          std::fprintf(stderr, "weft run exited with %d\n", status);
          std::exit(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  std::vector<double> all;
  for (const auto& some : per_thread) all.insert(all.end(), some.begin(), some.end());
  return {processes / seconds, all};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s LABEL WEFT [runs] [in_flight] [one_by_one] [processes] [parallel] "
                 "[folder]\n",
                 argv[0]);
    return 2;
  }
  const std::string label = argv[1];
  const std::string weft = fs::absolute(argv[2]).string();
  const int runs = argc > 3 ? std::stoi(argv[3]) : 4000;
  const int in_flight = argc > 4 ? std::stoi(argv[4]) : 200;
  const int one_by_one = argc > 5 ? std::stoi(argv[5]) : 200;
  const int processes = argc > 6 ? std::stoi(argv[6]) : 100;
  const int parallel = argc > 7 ? std::stoi(argv[7]) : 8;
  const fs::path folder = fs::absolute(argc > 8 ? argv[8] : "serve-clients-bench");
  fs::remove_all(folder);
  fs::create_directories(folder / "workflows");
  std::ofstream(folder / "workflows/echo.yaml") << kEcho;
  {
    Serve serve(weft, folder);
    if (!serve.WaitReady()) {
      std::fprintf(stderr, "weft serve did not start; see %s\n", (folder / "serve.log").c_str());
      return 1;
    }
    const double throughput = InFlight(folder, runs, in_flight);
    const std::vector<double> single = OneByOne(folder, one_by_one);
    const auto [process_rate, process_ms] = Processes(weft, folder, processes, parallel);
    std::printf(
        "%-8s library: %4d in flight %7.0f runs/s | one at a time p50 %6.2f ms p95 %6.2f ms | "
        "weft run x%d: %6.1f runs/s p50 %6.1f ms p95 %6.1f ms\n",
        label.c_str(), in_flight, throughput, Percentile(single, 0.5), Percentile(single, 0.95),
        parallel, process_rate, Percentile(process_ms, 0.5), Percentile(process_ms, 0.95));
    std::fflush(stdout);
  }
  fs::remove_all(folder);
  return 0;
}
