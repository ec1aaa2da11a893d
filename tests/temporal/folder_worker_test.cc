// FolderWorker against a real dev server, in this process: it serves the definitions of a
// folder, a definition written while it runs serves new runs after the next rescan, a file
// that does not load is skipped without stopping the others, and Stop() ends Run(). A folder
// that does not exist is refused before any server is reached. `weft worker` itself (signals,
// flags, pinning across a restart) is worker_command_test's.
#include "runtime/temporal/folder_worker.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runtime/temporal/workflow_client.h"
#include "tests/support/dev_server.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using weft::activity::ActivityContext;
using weft::activity::ActivityRegistry;
using weft::activity::ActivityResult;
using weft::temporal::FolderWorker;
using weft::temporal::WorkflowClient;
using weft::temporal::WorkflowOutcome;
using weft::testing::DevServer;
using namespace std::chrono_literals;

std::string Definition(const std::string& name, const std::string& prefix) {
  return "dsl: 1\nname: " + name +
         "\nsteps:\n  - id: say\n    call: echo\n    args: {text: " + prefix +
         "}\n    timeouts: {start_to_close: 10s}\n    result: said\noutput: ${ vars.said.text }\n";
}

const ActivityRegistry& Activities() {
  static ActivityRegistry registry;
  static const bool registered = [] {
    REQUIRE(registry.Register(
        {.name = "echo",
         .function = [](const json& input, ActivityContext&) -> ActivityResult { return input; }}));
    return true;
  }();
  (void)registered;
  return registry;
}

struct Folder {
  fs::path path = fs::temp_directory_path() / ("weft-folder-worker-" + std::to_string(::getpid()));
  Folder() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() { fs::remove_all(path); }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
  }
};

json Run(const WorkflowClient& client, const std::string& workflow, const std::string& queue) {
  auto started = client.Start(workflow, json::object(), {.task_queue = queue});
  REQUIRE(started);
  auto outcome = client.Result(*started);
  REQUIRE(outcome);
  REQUIRE(outcome->status == WorkflowOutcome::Status::kCompleted);
  return outcome->result;
}

}  // namespace

TEST_CASE("a folder that does not exist is refused, before any server is reached") {
  auto worker = FolderWorker::Create(
      {.worker = {.connection = {.address = "127.0.0.1:1"}}, .workflows = "/no/such/folder"},
      Activities());
  REQUIRE_FALSE(worker);
  CHECK(worker.error() == "no workflows folder at /no/such/folder (give one with --workflows)");
}

TEST_CASE("the folder's definitions are served, and one written later after the next rescan") {
  const DevServer& server = DevServer::Shared();
  const std::string queue = "folder-worker-" + std::to_string(::getpid());
  Folder folder;
  folder.Write("first.yaml", Definition("first", "one"));
  folder.Write("broken.yaml", "dsl: 1\nname: broken\nsteps: [");

  auto worker = FolderWorker::Create({.worker = {.connection = {.address = server.address()},
                                                 .task_queue = queue,
                                                 .workflow_pollers = 1},
                                      .workflows = folder.path,
                                      .rescan_interval = 50ms},
                                     Activities());
  REQUIRE(worker);
  CHECK((*worker)->workflows() == 1);
  std::thread serving([&] { (*worker)->Run(); });

  auto client = WorkflowClient::Connect({.address = server.address()});
  REQUIRE(client);
  CHECK(Run(*client, "first", queue) == "one");

  folder.Write("second.yaml", Definition("second", "two"));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((*worker)->workflows() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  REQUIRE((*worker)->workflows() == 2);
  CHECK(Run(*client, "second", queue) == "two");

  (*worker)->Stop();
  serving.join();  // would hang here if Stop() did not end Run()
  CHECK((*worker)->worker().workflow_tasks_handled() >= 2);
}

TEST_CASE("served as a service, the worker is ready while it polls, and a stop ends it") {
  const DevServer& server = DevServer::Shared();
  const std::string queue = "folder-service-" + std::to_string(::getpid());
  Folder folder;
  folder.Write("first.yaml", Definition("first", "one"));
  auto worker = FolderWorker::Create({.worker = {.connection = {.address = server.address()},
                                                 .task_queue = queue,
                                                 .workflow_pollers = 1},
                                      .workflows = folder.path},
                                     Activities());
  REQUIRE(worker);
  weft::service::ServiceReadiness readiness("starting");
  std::stop_source stop;
  std::thread serving([&] { (*worker)->Serve(stop.get_token(), readiness); });

  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!readiness.Check() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  CHECK(readiness.Check());  // the worker's own readiness: connected, a poll out

  stop.request_stop();
  serving.join();  // would hang here if the stop did not end the worker
  CHECK(readiness.Check().error() == "starting");  // no longer asks the worker
}
