// Many clients at once against one journal (issue 20), through the real `weft` binary and a
// real SQLite file: N processes started together, of every kind a user runs from terminals and
// scripts, and none of them may fail for contention.
//
//   wave 1: N/2 `weft run --detach hello`, N/4 `weft run hello` (foreground, each executing or
//           watching), N/4 `weft run --detach gate --id gate-<i>` (a run that waits for a signal)
//   wave 2: N/4 `weft signal gate-<i> open`, N/2 `weft result <detached run>`, N/4
//           `weft result gate-<i>`
//   wave 3: 20 `weft run --detach gate --id same` at once: exactly one starts, the others are
//           refused because the workflow id is running; none is merged into another
//
// Every process must exit 0 with the right output, and at most one background engine may ever
// be started for the journal (counted from .weft/engine.log, where each engine process writes
// one line when it takes the lease), with no spare engine that found the lease taken.
//
// N is 200 here; WEFT_CONCURRENT_CLIENTS=1000 ctest -R concurrent_clients -V runs 1,000.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/subprocess.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using weft::testing::ProcessResult;
using weft::testing::RunProcess;
using weft::testing::WeftBinary;

constexpr char kGate[] = R"(dsl: 1
name: gate
input:
  type: object
  required: [id]
  properties: {id: {type: string}}
vars: {open: false}
handlers:
  signals:
    open:
      set: {open: true}
steps:
  - id: wait
    await:
      condition: ${ vars.open }
output: {id: '${ input.id }'}
)";

int Clients() {
  const char* configured = std::getenv("WEFT_CONCURRENT_CLIENTS");
  return configured != nullptr ? std::max(8, std::atoi(configured)) : 200;
}

struct Project {
  fs::path dir;
  std::string journal;
  std::string workflows;

  Project() {
    dir = fs::temp_directory_path() / ("weft-concurrent-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "workflows");
    journal = (dir / ".weft" / "journal.db").string();
    workflows = (dir / "workflows").string();
    fs::copy_file(fs::path(WEFT_SOURCE_DIR) / "workflows" / "hello.yaml",
                  dir / "workflows" / "hello.yaml");
    std::ofstream(dir / "workflows" / "gate.yaml") << kGate;
  }
  ~Project() {
    // The background engine lingers a moment after its last run: wait for it to let go.
    const std::string lock = journal + ".lock";
    for (int i = 0; i < 1000; ++i) {
      const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) break;
      struct flock probe {};
      probe.l_type = F_WRLCK;
      probe.l_whence = SEEK_SET;
      const bool held = ::fcntl(fd, F_OFD_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
      ::close(fd);
      if (!held) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  std::vector<std::string> Weft(std::vector<std::string> args, bool engine) const {
    std::vector<std::string> argv{WeftBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--journal", journal});
    if (engine) argv.insert(argv.end(), {"--workflows", workflows});
    return argv;
  }
};

// Starts every command at once (a thread each), waits for all of them.
std::vector<ProcessResult> AllAtOnce(const std::vector<std::vector<std::string>>& commands) {
  std::vector<ProcessResult> results(commands.size());
  std::vector<std::thread> threads;
  threads.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = RunProcess(commands[i]); });
  }
  for (auto& thread : threads) thread.join();
  return results;
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Counts the failures, printing the first few.
int Failures(const std::vector<ProcessResult>& results,
             const std::vector<std::vector<std::string>>& commands, const char* wave) {
  int failed = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].exit_code == 0) continue;
    if (++failed <= 5) {
      std::string command;
      for (std::size_t a = 1; a < commands[i].size() && a < 5; ++a) command += commands[i][a] + " ";
      std::cerr << wave << ": `weft " << command << "` exited " << results[i].exit_code << ": "
                << results[i].err << "\n";
    }
  }
  return failed;
}

}  // namespace

TEST_CASE("hundreds of clients at once: none fails, one background engine serves them") {
  const int n = Clients();
  const int quarter = n / 4;
  Project project;

  // Wave 1: starts of every kind.
  std::vector<std::vector<std::string>> wave1;
  for (int i = 0; i < 2 * quarter; ++i) {
    wave1.push_back(project.Weft(
        {"run", "hello", "--detach", "--input", json{{"name", "d" + std::to_string(i)}}.dump()},
        true));
  }
  for (int i = 0; i < quarter; ++i) {
    wave1.push_back(project.Weft(
        {"run", "hello", "--input", json{{"name", "f" + std::to_string(i)}}.dump()}, true));
  }
  for (int i = 0; i < quarter; ++i) {
    const std::string id = "gate-" + std::to_string(i);
    wave1.push_back(project.Weft(
        {"run", "gate", "--detach", "--id", id, "--input", json{{"id", id}}.dump()}, true));
  }
  const auto started = AllAtOnce(wave1);
  const int failed1 = Failures(started, wave1, "wave 1");
  CHECK(failed1 == 0);
  std::vector<std::string> detached;
  for (int i = 0; i < 2 * quarter; ++i) detached.push_back(Trim(started[i].out));
  for (int i = 0; i < quarter; ++i) {
    const auto& foreground = started[2 * quarter + i];
    if (foreground.exit_code != 0) continue;
    CHECK(json::parse(foreground.out) == json{{"greeting", "Hello, f" + std::to_string(i) + "!"}});
  }
  CHECK(std::set<std::string>(detached.begin(), detached.end()).size() == detached.size());

  // Wave 2: signals and results, all at once.
  std::vector<std::vector<std::string>> wave2;
  for (int i = 0; i < quarter; ++i) {
    wave2.push_back(project.Weft({"signal", "gate-" + std::to_string(i), "open"}, false));
  }
  for (const std::string& run : detached) wave2.push_back(project.Weft({"result", run}, false));
  for (int i = 0; i < quarter; ++i) {
    wave2.push_back(project.Weft({"result", "gate-" + std::to_string(i)}, false));
  }
  const auto answered = AllAtOnce(wave2);
  const int failed2 = Failures(answered, wave2, "wave 2");
  CHECK(failed2 == 0);
  for (int i = 0; i < 2 * quarter; ++i) {
    const auto& result = answered[quarter + i];
    if (result.exit_code != 0) continue;
    CHECK(json::parse(result.out) == json{{"greeting", "Hello, d" + std::to_string(i) + "!"}});
  }
  for (int i = 0; i < quarter; ++i) {
    const auto& result = answered[3 * quarter + i];
    if (result.exit_code != 0) continue;
    CHECK(json::parse(result.out) == json{{"id", "gate-" + std::to_string(i)}});
  }

  // Wave 3: one workflow id started by 20 processes at once.
  std::vector<std::vector<std::string>> wave3(
      20, project.Weft({"run", "gate", "--detach", "--id", "same", "--input", R"({"id": "same"})"},
                       true));
  const auto same = AllAtOnce(wave3);
  int took = 0, refused = 0;
  for (const auto& result : same) {
    if (result.exit_code == 0) ++took;
    if (result.exit_code != 0 &&
        result.err.find("workflow id same is already running") != std::string::npos) {
      ++refused;
    }
  }
  CHECK(took == 1);
  CHECK(refused == 19);
  const ProcessResult signalled = RunProcess(project.Weft({"signal", "same", "open"}, false));
  CHECK(signalled.exit_code == 0);
  const ProcessResult closed = RunProcess(project.Weft({"result", "same"}, false));
  CHECK(closed.exit_code == 0);
  const ProcessResult listed =
      RunProcess(project.Weft({"list", "--json", "--limit", "100000"}, false));
  REQUIRE(listed.exit_code == 0);
  const json runs = json::parse(listed.out);
  int completed = 0;
  for (const json& run : runs) completed += run["status"] == "completed" ? 1 : 0;

  // Engines: each engine process writes one "holds the lease" line when it takes it; a spare
  // one, started while another ran, would say "already runs".
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::ifstream log(project.dir / ".weft" / "engine.log");
  const std::string text((std::istreambuf_iterator<char>(log)), {});
  const std::regex holds(R"(engine \(pid (\d+)\) holds the lease)");
  std::set<std::string> engines;
  for (auto m = std::sregex_iterator(text.begin(), text.end(), holds); m != std::sregex_iterator();
       ++m) {
    engines.insert((*m)[1]);
  }
  int spare = 0;
  for (std::size_t at = text.find("already runs"); at != std::string::npos;
       at = text.find("already runs", at + 1)) {
    ++spare;
  }
  std::cout << n << " clients per wave (" << wave1.size() << " starts, " << wave2.size()
            << " signals and results): failed " << failed1 << " + " << failed2
            << "; one workflow id from 20 processes: " << took << " started, " << refused
            << " refused; runs completed " << completed << " of " << runs.size()
            << "; background engines started " << engines.size() << ", spare " << spare << "\n";
  CHECK(runs.size() == wave1.size() + 1);
  CHECK(completed == static_cast<int>(runs.size()));
  CHECK(engines.size() <= 1);
  CHECK(spare == 0);
}
