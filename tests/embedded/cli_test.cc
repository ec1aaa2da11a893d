// The embedded engine through the real `weft` binary, as a user drives it from terminals:
// `weft run` to completion, bad input refused before the run starts, `--detach` with a
// background engine, signals, queries and updates from other processes, `weft result`,
// `list` and `show`, and pinning: editing a definition while a run waits changes new runs
// only.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/subprocess.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using weft::testing::ProcessResult;
using weft::testing::RunProcess;
using weft::testing::WeftBinary;

struct Project {
  fs::path dir;
  std::string journal;
  std::string workflows;

  Project() {
    static int counter = 0;
    dir = fs::temp_directory_path() /
          ("weft-cli-embedded-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir / "workflows");
    journal = (dir / ".weft" / "journal.db").string();
    workflows = (dir / "workflows").string();
    fs::copy_file(fs::path(WEFT_SOURCE_DIR) / "workflows" / "hello.yaml",
                  dir / "workflows" / "hello.yaml");
  }
  ~Project() {
    // The background engine exits by itself once no run is open: wait for it to let go of the
    // journal's lease before removing the folder.
    const std::string lock = journal + ".lock";
    for (int i = 0; i < 1000; ++i) {
      const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) break;
      struct flock probe {};  // the lease is an OFD lock (journal_lease.h): ask, take nothing
      probe.l_type = F_WRLCK;
      probe.l_whence = SEEK_SET;
      const bool free = ::fcntl(fd, F_OFD_GETLK, &probe) == 0 && probe.l_type == F_UNLCK;
      ::close(fd);
      if (free) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  ProcessResult Weft(std::vector<std::string> args) const {
    std::vector<std::string> argv{WeftBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv);
  }
  ProcessResult Run(std::vector<std::string> args) const {
    args.insert(args.end(), {"--journal", journal, "--workflows", workflows});
    return Weft(args);
  }
  ProcessResult Client(std::vector<std::string> args) const {
    args.insert(args.end(), {"--journal", journal});
    return Weft(args);
  }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / "workflows" / name) << text;
  }
};

// A run that waits for a decision; its output names the definition's version.
std::string Approval(int version) {
  return "dsl: 1\nname: approval\nversion: " + std::to_string(version) + R"(
input:
  type: object
  required: [id]
  properties: {id: {type: string}}
vars: {decision: pending, note: ""}
handlers:
  queries:
    decision: ${ vars.decision }
  signals:
    decide:
      set: {decision: '${ signal.decision }'}
  updates:
    note:
      validate: ${ size(update.text) > 0 }
      set: {note: '${ update.text }'}
      result: '${ {"noted": update.text} }'
steps:
  - id: ask
    call: log
    args: {message: asking}
    timeouts: {start_to_close: 10s}
  - id: wait
    await:
      condition: ${ vars.decision != "pending" }
output: {decision: '${ vars.decision }', note: '${ vars.note }', version: )" +
         std::to_string(version) + "}\n";
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

TEST_CASE("weft run: progress on stderr, the result on stdout; bad input exits 2") {
  Project project;
  ProcessResult ran = project.Run({"run", "hello", "--input", R"({"name": "Ada"})"});
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  CHECK(json::parse(ran.out) == json{{"greeting", "Hello, Ada!"}});
  // Plain lines (not a terminal), naming the step by its id, not by its path.
  CHECK(ran.err.find("greet log") != std::string::npos);
  CHECK(ran.err.find("/steps/0") == std::string::npos);
  CHECK(ran.err.find("completed") != std::string::npos);

  ProcessResult bad = project.Run({"run", "hello", "--input", R"({"name": ""})"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("input /name") != std::string::npos);
  ProcessResult missing = project.Run({"run", "hello", "--input", R"({})"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("name") != std::string::npos);
  ProcessResult unknown = project.Run({"run", "nosuch"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("no workflow named \"nosuch\"") != std::string::npos);

  ProcessResult listed = project.Client({"list", "--json"});
  REQUIRE(listed.exit_code == 0);
  json runs = json::parse(listed.out);
  REQUIRE(runs.size() == 1);  // refused inputs never started a run
  CHECK(runs[0]["status"] == "completed");
  ProcessResult shown = project.Client({"show", runs[0]["run_id"].get<std::string>()});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find("greet: schedule log") != std::string::npos);
  CHECK(shown.out.find("/steps/0") == std::string::npos);
}

TEST_CASE("weft resume refused by the lease exits 1 and says another engine holds it") {
  Project project;
  fs::create_directories(fs::path(project.journal).parent_path());
  // Hold the lease as an engine does: an OFD write lock on the lock file (journal_lease.h).
  const std::string lock = project.journal + ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  struct flock hold {};
  hold.l_type = F_WRLCK;
  hold.l_whence = SEEK_SET;
  REQUIRE(::fcntl(fd, F_OFD_SETLK, &hold) == 0);
  ProcessResult resumed = project.Run({"resume"});
  ::close(fd);
  CHECK(resumed.exit_code == 1);
  CHECK_THAT(resumed.err, Catch::Contains("nothing resumed: another engine holds the lease"));
}

TEST_CASE("detached runs take signals, queries and updates from other processes; pinned") {
  Project project;
  project.Write("approval.yaml", Approval(1));
  ProcessResult started =
      project.Run({"run", "approval", "--input", R"({"id": "a1"})", "--detach"});
  INFO(started.err);
  REQUIRE(started.exit_code == 0);
  const std::string run_id = Trim(started.out);
  REQUIRE(std::regex_match(run_id, std::regex("[0-9a-f-]{36}")));

  ProcessResult queried = project.Client({"query", run_id, "decision"});
  INFO(queried.err);
  REQUIRE(queried.exit_code == 0);
  CHECK(json::parse(queried.out) == "pending");

  ProcessResult refused = project.Client({"update", run_id, "note", "--input", R"({"text": ""})"});
  CHECK(refused.exit_code == 1);
  ProcessResult noted =
      project.Client({"update", run_id, "note", "--input", R"({"text": "receipt"})"});
  INFO(noted.err);
  REQUIRE(noted.exit_code == 0);
  CHECK(json::parse(noted.out) == json{{"noted", "receipt"}});

  // Edit the definition while the run waits: the run keeps version 1.
  project.Write("approval.yaml", Approval(2));
  ProcessResult signalled =
      project.Client({"signal", run_id, "decide", "--input", R"({"decision": "yes"})"});
  INFO(signalled.err);
  REQUIRE(signalled.exit_code == 0);
  ProcessResult result = project.Client({"result", run_id});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(json::parse(result.out) == json{{"decision", "yes"}, {"note", "receipt"}, {"version", 1}});

  // A new run gets the new version.
  ProcessResult second = project.Run({"run", "approval", "--input", R"({"id": "a2"})", "--detach"});
  REQUIRE(second.exit_code == 0);
  const std::string second_id = Trim(second.out);
  REQUIRE(project.Client({"signal", second_id, "decide", "--input", R"({"decision": "no"})"})
              .exit_code == 0);
  ProcessResult second_result = project.Client({"result", second_id});
  REQUIRE(second_result.exit_code == 0);
  CHECK(json::parse(second_result.out)["version"] == 2);

  // A closed run refuses signals with a clear error.
  ProcessResult late =
      project.Client({"signal", run_id, "decide", "--input", R"({"decision": "no"})"});
  CHECK(late.exit_code == 1);
  CHECK(late.err.find("completed") != std::string::npos);
}

TEST_CASE("a cancelled run ends cancelled; its failure is printed as JSON with exit code 1") {
  Project project;
  project.Write("approval.yaml", Approval(1));
  ProcessResult started =
      project.Run({"run", "approval", "--input", R"({"id": "c1"})", "--detach"});
  REQUIRE(started.exit_code == 0);
  const std::string run_id = Trim(started.out);
  ProcessResult cancelled = project.Client({"cancel", run_id, "--reason", "no longer needed"});
  INFO(cancelled.err);
  REQUIRE(cancelled.exit_code == 0);
  ProcessResult result = project.Client({"result", run_id});
  CHECK(result.exit_code == 1);
  CHECK(json::parse(result.out)["kind"] == "cancelled");
}

}  // namespace
