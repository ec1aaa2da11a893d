// embedded::Host as a specification: a process that takes the free lease executes the run it
// waits for, building its activities once; a process that finds the lease held waits and says
// so, then takes over when the holder lets go; Resume() runs every unfinished run and hands
// over to a holder; child workflows find their definitions in the workflows folder. Background
// processes start in a session of their own with their output in the log. Real SQLite files in
// a temporary folder; the real engine and interpreter; activities are fakes.
#include "runtime/embedded/host.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "dsl/loader.h"
#include "runtime/embedded/journal_client.h"
#include "runtime/embedded/journal_lease.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;
using weft::activity::ActivityContext;
using weft::activity::ActivityRegistry;
using weft::activity::ActivityResult;
using weft::embedded::BackgroundCommand;
using weft::embedded::Host;
using weft::embedded::JournalClient;
using weft::embedded::JournalLease;
using weft::embedded::RunRecord;
using weft::embedded::RunStatus;

constexpr char kGreet[] = R"(dsl: 1
name: greet
input: {type: object, required: [name], properties: {name: {type: string}}}
steps:
  - id: say
    call: echo
    args: {text: '${ "hi " + input.name }'}
    timeouts: {start_to_close: 10s}
    result: said
output: {said: '${ vars.said.text }'}
)";

constexpr char kParent[] = R"(dsl: 1
name: parent
steps:
  - id: child
    workflow: {name: greet, input: {name: child}}
    result: child
output: {child: '${ vars.child }'}
)";

struct Project {
  fs::path dir;
  fs::path journal;
  fs::path workflows;
  std::atomic<int> registries_built{0};
  std::mutex mutex;
  std::vector<std::string> notices;

  Project() {
    static std::atomic<int> counter{0};
    dir = fs::temp_directory_path() /
          ("weft-host-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    workflows = dir / "workflows";
    fs::create_directories(workflows);
    journal = dir / "journal.db";
    std::ofstream(workflows / "greet.yaml") << kGreet;
    std::ofstream(workflows / "parent.yaml") << kParent;
  }
  ~Project() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  weft::embedded::HostOptions Options() {
    return {
        .journal = journal,
        .workflows = workflows,
        .make_registry = [this]() -> std::expected<std::unique_ptr<ActivityRegistry>, std::string> {
          ++registries_built;
          auto registry = std::make_unique<ActivityRegistry>();
          auto registered = registry->Register(
              {.name = "echo",
               .function = [](const json& input, ActivityContext&) -> ActivityResult {
                 return input;
               }});
          if (!registered) return std::unexpected(registered.error().message);
          return registry;
        },
        .on_notice =
            [this](const std::string& notice) {
              std::lock_guard lock(mutex);
              notices.push_back(notice);
            },
        .poll = 10ms};
  }

  std::string Create(const std::string& name, json input) {
    auto loaded = weft::dsl::LoadDefinitionFile(workflows / (name + ".yaml"));
    REQUIRE(loaded);
    auto client = JournalClient::Open(journal);
    REQUIRE(client);
    auto run = client->CreateRun(**loaded, std::move(input), "");
    REQUIRE(run);
    return run->run_id;
  }
  RunRecord Record(const std::string& run_id) {
    auto client = JournalClient::Open(journal);
    REQUIRE(client);
    auto run = client->Latest(run_id);
    REQUIRE(run);
    return *run;
  }
  std::size_t Notices() {
    std::lock_guard lock(mutex);
    return notices.size();
  }
};

TEST_CASE("with the lease free, Drive executes the run and returns it closed") {
  Project project;
  const std::string run_id = project.Create("greet", {{"name", "Ada"}});
  Host host(project.Options());
  auto closed = host.Drive(run_id);
  REQUIRE(closed);
  CHECK(closed->status == RunStatus::kCompleted);
  CHECK(closed->result == json{{"said", "hi Ada"}});
  // A second run with the same host builds no second registry.
  REQUIRE(host.Drive(project.Create("greet", {{"name", "Bo"}})));
  CHECK(project.registries_built == 1);
  CHECK(project.Notices() == 0);
  CHECK_FALSE(JournalLease::IsHeld(project.journal));  // handed back
}

TEST_CASE("a child workflow finds its definition in the workflows folder") {
  Project project;
  Host host(project.Options());
  auto closed = host.Drive(project.Create("parent", json::object()));
  REQUIRE(closed);
  INFO(closed->failure.dump());
  CHECK(closed->result == json{{"child", {{"said", "hi child"}}}});
}

TEST_CASE("with the lease held, Drive waits, says why, and takes over when it is let go") {
  Project project;
  const std::string run_id = project.Create("greet", {{"name", "Cy"}});
  // flock(2) locks belong to an open file: a second acquisition in this process conflicts as
  // another process's would.
  auto held = JournalLease::TryAcquire(project.journal);
  REQUIRE(held);
  REQUIRE(*held);
  Host host(project.Options());
  auto driven = std::async(std::launch::async, [&] { return host.Drive(run_id); });
  for (int i = 0; i < 500 && project.Notices() == 0; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(project.Notices() == 1);
  CHECK_THAT(project.notices.front(), Catch::Contains("another process"));
  CHECK(project.registries_built == 0);  // a watcher builds no activities
  CHECK(driven.wait_for(50ms) == std::future_status::timeout);
  held->reset();
  REQUIRE(driven.wait_for(30s) == std::future_status::ready);
  auto closed = driven.get();
  REQUIRE(closed);
  CHECK(closed->status == RunStatus::kCompleted);
  CHECK(project.Notices() == 1);  // said once
}

TEST_CASE("Resume runs every unfinished run, and hands over to a holder") {
  Project project;
  const std::string first = project.Create("greet", {{"name", "A"}});
  const std::string second = project.Create("greet", {{"name", "B"}});
  {
    auto held = JournalLease::TryAcquire(project.journal);
    REQUIRE(held);
    REQUIRE(*held);
    Host host(project.Options());
    auto resumed = host.Resume();
    REQUIRE(resumed);
    CHECK_FALSE(*resumed);
    CHECK_THAT(project.notices.at(0), Catch::Contains("already runs"));
  }
  Host host(project.Options());
  auto resumed = host.Resume();
  REQUIRE(resumed);
  CHECK(*resumed);
  CHECK(project.Record(first).status == RunStatus::kCompleted);
  CHECK(project.Record(second).result == json{{"said", "hi B"}});
}

std::string WaitForText(const fs::path& file) {
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find('\n') != std::string::npos) return text.str();
    std::this_thread::sleep_for(10ms);
  }
  return "";
}

TEST_CASE("a background process runs in a session of its own, its output in the log") {
  Project project;
  const fs::path log = project.dir / "out.log";
  // Field 6 of /proc/<pid>/stat is the session id.
  auto spawned = weft::embedded::SpawnDetached(
      {.program = "/bin/sh",
       .arguments = {"-c", "read nothing; echo \"$(cut -d' ' -f6 /proc/$$/stat) $nothing\""}},
      log);
  REQUIRE(spawned);
  const std::string text = WaitForText(log);
  REQUIRE_FALSE(text.empty());
  CHECK(std::stol(text) != static_cast<long>(::getsid(0)));
  CHECK(text == std::to_string(std::stol(text)) + " \n");  // stdin is /dev/null: nothing read
}

TEST_CASE("one lease per journal, however its path is spelled") {
  Project project;
  REQUIRE(JournalClient::Open(project.journal));
  auto held = JournalLease::TryAcquire(project.journal);
  REQUIRE(held);
  REQUIRE(*held);
  // Through a symlink, and through a path with a detour: the same journal, the same lease
  // (each spelling had a lock file of its own: issue 18, D10).
  fs::create_symlink(project.journal, project.dir / "link.db");
  for (const fs::path& other :
       {project.dir / "link.db", project.dir / "workflows" / ".." / "journal.db"}) {
    INFO(other);
    auto second = JournalLease::TryAcquire(other);
    REQUIRE(second);
    CHECK_FALSE(*second);
    CHECK(JournalLease::IsHeld(other));
  }
  held->reset();
  auto through_link = JournalLease::TryAcquire(project.dir / "link.db");
  REQUIRE(through_link);
  CHECK(*through_link);
}

TEST_CASE("no background engine is started while one holds the lease") {
  Project project;
  auto held = JournalLease::TryAcquire(project.journal);
  REQUIRE(held);
  REQUIRE(*held);
  const BackgroundCommand command{.program = "/bin/sh", .arguments = {"-c", "echo started"}};
  REQUIRE(weft::embedded::StartBackgroundEngine(project.journal, command));
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(fs::exists(project.dir / "engine.log"));
}

TEST_CASE("of many starters at once, one starts the background engine; it holds the lease") {
  Project project;
  // The "engine" says it started and which descriptor it inherited, then holds it a while.
  const BackgroundCommand command{
      .program = "/bin/sh",
      .arguments = {"-c", "echo \"started with ${WEFT_JOURNAL_LEASE_FD:-none}\"; sleep 3"}};
  std::atomic<int> failed{0};
  std::vector<std::thread> starters;
  for (int i = 0; i < 32; ++i) {
    starters.emplace_back([&] {
      if (!weft::embedded::StartBackgroundEngine(project.journal, command)) ++failed;
    });
  }
  for (auto& starter : starters) starter.join();
  CHECK(failed == 0);
  // Every starter has returned and closed its descriptor: the engine holds the lease alone.
  CHECK(JournalLease::IsHeld(project.journal));
  const std::string text = WaitForText(project.dir / "engine.log");
  std::this_thread::sleep_for(200ms);  // a second engine, if any, would have written by now
  std::ifstream log(project.dir / "engine.log");
  std::string line;
  int started = 0;
  while (std::getline(log, line)) {
    ++started;
    CHECK_THAT(line, Catch::StartsWith("started with ") && !Catch::EndsWith("none"));
  }
  CHECK(started == 1);
  auto taken = JournalLease::TryAcquire(project.journal);
  REQUIRE(taken);
  CHECK_FALSE(*taken);  // nobody else may take it while the engine runs
}

}  // namespace
