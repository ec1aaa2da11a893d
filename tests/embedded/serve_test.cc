// `weft serve`, the real binary on a real journal, as an operator runs it: it fires the folder's
// declared schedules; the runs client commands start (`weft run --detach`, `weft signal`,
// `weft result`) are executed by it, with no background engine of their own; /metrics counts
// them under the Temporal SDKs' names and /readyz answers; a second `weft serve` waits for the
// first and takes over when it stops; SIGTERM stops it cleanly. Clients in other processes
// reach it at the journal's doorbell (`weft run` in the foreground, `run --detach` and
// `result`), and one that waits there while the service is killed takes the runs over instead
// of hanging.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/waiter_workflow.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr char kTick[] = R"(dsl: 1
name: tick
input: {type: object, properties: {n: {type: integer}}}
schedules:
  - id: every-second
    interval: 1s
    overlap: allow_all
    input: {n: 7}
steps:
  - {id: done, return: '${ input.n }'}
)";

constexpr const char* kWaiter = weft::testing::kWaiterWorkflow;

constexpr char kEcho[] = R"(dsl: 1
name: echo
input: {type: object, properties: {n: {type: integer}}}
steps:
  - {id: done, return: '${ input.n }'}
)";

class Folder {
 public:
  Folder() : path_(fs::temp_directory_path() / ("weft-serve-test-" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_ / "workflows");
    std::ofstream(path_ / "workflows/tick.yaml") << kTick;
    std::ofstream(path_ / "workflows/waiter.yaml") << kWaiter;
    std::ofstream(path_ / "workflows/echo.yaml") << kEcho;
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }
  std::vector<std::string> Engine() const {
    return {"--journal", (path_ / "journal.db").string(), "--workflows",
            (path_ / "workflows").string()};
  }
  ProcessResult Weft(std::vector<std::string> argv, bool engine_flags = false) const {
    return RunProcess(Command(std::move(argv), engine_flags));
  }
  // The same, in the background: killed with the test if it hangs.
  std::unique_ptr<ChildProcess> StartWeft(std::vector<std::string> argv,
                                          bool engine_flags = false) const {
    return ChildProcess::Start(Command(std::move(argv), engine_flags), {});
  }
  std::vector<std::string> Command(std::vector<std::string> argv, bool engine_flags) const {
    argv.insert(argv.begin(), WeftBinary());
    if (engine_flags) {
      for (const std::string& flag : Engine()) argv.push_back(flag);
    } else {
      argv.push_back("--journal");
      argv.push_back((path_ / "journal.db").string());
    }
    return argv;
  }

 private:
  fs::path path_;
};

std::unique_ptr<ChildProcess> StartServe(const Folder& folder) {
  std::vector<std::string> argv{WeftBinary(),       "serve", "--metrics-address", "127.0.0.1:0",
                                "--rescan-seconds", "0.2"};
  for (const std::string& flag : folder.Engine()) argv.push_back(flag);
  return ChildProcess::Start(argv, {});
}

// The port the endpoint took, from the log line that names it.
int MetricsPort(const ChildProcess& serve) {
  std::smatch match;
  const std::string log = serve.LogTail(100000);
  REQUIRE(std::regex_search(log, match, std::regex(R"(metrics at http://127\.0\.0\.1:(\d+)/)")));
  return std::stoi(match[1]);
}

// The value of one series of a scrape, or -1.
double Series(const std::string& scrape, const std::string& series) {
  for (std::size_t at = scrape.find(series + " "); at != std::string::npos;
       at = scrape.find(series + " ", at + 1)) {
    if (at == 0 || scrape[at - 1] == '\n') return std::stod(scrape.substr(at + series.size() + 1));
  }
  return -1;
}

json RunsOf(const Folder& folder, const std::string& workflow) {
  ProcessResult listed = folder.Weft({"list", "--json", "--workflow", workflow, "-n", "1000"});
  REQUIRE(listed.exit_code == 0);
  return json::parse(listed.out);
}

TEST_CASE("weft serve fires schedules, runs what clients start, counts it, and stops on SIGTERM") {
  Folder folder;
  auto serve = StartServe(folder);
  serve->WaitForOutput(" open runs)", 30s);
  INFO("weft serve:\n" << serve->LogTail());
  httplib::Client http("127.0.0.1", MetricsPort(*serve));
  auto ready = http.Get("/readyz");
  REQUIRE(ready);
  CHECK(ready->status == 200);

  // A client starts a run and returns; the service executes it: no background engine.
  ProcessResult started =
      folder.Weft({"run", "waiter", "--id", "w1", "--detach", "--input", "{}"}, true);
  INFO(started.err);
  REQUIRE(started.exit_code == 0);
  ProcessResult signalled = folder.Weft({"signal", "w1", "go", "--input", R"({"by":"ops"})"});
  INFO(signalled.err);
  REQUIRE(signalled.exit_code == 0);
  ProcessResult result = folder.Weft({"result", "w1"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(json::parse(result.out) == "ops");
  CHECK_FALSE(fs::exists(folder.path() / "engine.log"));

  // The schedule fires every second, each run with its declared input.
  json ticks;
  for (int wait = 0; wait < 100; ++wait) {
    ticks = RunsOf(folder, "tick");
    if (ticks.size() >= 3 && ticks[2].value("status", "") == "completed") break;
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(ticks.size() >= 3);
  for (const json& run : ticks) {
    CHECK_THAT(run.value("workflow_id", ""),
               Catch::Matches(R"(tick\.every-second-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"));
  }
  ProcessResult tick_result = folder.Weft({"result", ticks.back().value("workflow_id", "")});
  REQUIRE(tick_result.exit_code == 0);
  CHECK(json::parse(tick_result.out) == 7);

  // The Temporal SDKs' metrics of what ran, and weft's of the folder.
  auto scraped = http.Get("/metrics");
  REQUIRE(scraped);
  const std::string& metrics = scraped->body;
  INFO(metrics.substr(0, 3000));
  CHECK(Series(metrics, R"(temporal_workflow_completed{namespace="embedded",task_queue="weft",)"
                        R"(workflow_type="waiter"})") == 1);
  CHECK(Series(metrics, R"(temporal_workflow_completed{namespace="embedded",task_queue="weft",)"
                        R"(workflow_type="tick"})") >= 2);
  CHECK(Series(metrics, "weft_definitions_loaded") == 3);

  // A second service waits for the lease, and takes over when the first stops.
  auto second = StartServe(folder);
  second->WaitForOutput("runs this journal's runs; serving once it stops", 30s);
  serve->Stop(5s);
  CHECK_THAT(serve->LogTail(),
             Catch::Contains("SIGTERM: shutting down") && Catch::Contains("weft serve stopped"));
  second->WaitForOutput(" open runs)", 30s);
  const std::size_t before = RunsOf(folder, "tick").size();
  std::this_thread::sleep_for(1500ms);
  CHECK(RunsOf(folder, "tick").size() > before);
  second->Stop(5s);
  CHECK_THAT(second->LogTail(), Catch::Contains("weft serve stopped"));
}

TEST_CASE("clients of weft serve reach it at its doorbell: run, run --detach and result") {
  Folder folder;
  auto serve = StartServe(folder);
  serve->WaitForOutput(" open runs)", 30s);
  INFO("weft serve:\n" << serve->LogTail());

  ProcessResult ran = folder.Weft({"run", "echo", "--input", R"({"n": 3})"}, true);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  CHECK(json::parse(ran.out) == 3);
  CHECK_THAT(ran.err, Catch::Contains("waiting for it to run"));  // the service ran it

  ProcessResult started =
      folder.Weft({"run", "echo", "--id", "e1", "--detach", "--input", R"({"n": 4})"}, true);
  INFO(started.err);
  REQUIRE(started.exit_code == 0);
  ProcessResult result = folder.Weft({"result", "e1"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(json::parse(result.out) == 4);
  CHECK_FALSE(fs::exists(folder.path() / "engine.log"));  // no background engine was needed
}

TEST_CASE("a client waiting at the doorbell of a killed weft serve takes over, never hangs") {
  Folder folder;
  auto serve = StartServe(folder);
  serve->WaitForOutput(" open runs)", 30s);
  REQUIRE(
      folder.Weft({"run", "waiter", "--id", "w1", "--detach", "--input", "{}"}, true).exit_code ==
      0);
  // A foreground `weft run` waits for the service to run its run; `weft result` for another.
  auto runner = folder.StartWeft({"run", "waiter", "--id", "w2", "--input", "{}"}, true);
  runner->WaitForOutput("waiting for it to run", 30s);
  auto awaiting = folder.StartWeft({"result", "w1"});

  ::kill(serve->pid(), SIGKILL);
  serve->Stop(10s);  // reaps it

  // The bell hung up with the service: the waiting `weft run` takes the lease and executes
  // every open run of the journal, its own and the other client's.
  ProcessResult go1 = folder.Weft({"signal", "w1", "go", "--input", R"({"by":"one"})"});
  INFO(go1.err);
  CHECK(go1.exit_code == 0);
  ProcessResult go2 = folder.Weft({"signal", "w2", "go", "--input", R"({"by":"two"})"});
  INFO(go2.err);
  CHECK(go2.exit_code == 0);
  INFO("weft run:\n" << runner->LogTail() << "\nweft result:\n" << awaiting->LogTail());
  runner->WaitForOutput("\"two\"", 60s);
  awaiting->WaitForOutput("\"one\"", 60s);
}

TEST_CASE("weft serve refuses a metrics address it cannot take, and says which") {
  Folder folder;
  ProcessResult refused = RunProcess({WeftBinary(), "serve", "--metrics-address", "256.1.1.1:1",
                                      "--journal", (folder.path() / "journal.db").string()});
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("256.1.1.1:1") && Catch::Contains("--metrics-address"));
}

}  // namespace
}  // namespace weft::testing
