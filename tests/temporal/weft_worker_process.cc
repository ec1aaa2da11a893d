#include "tests/temporal/weft_worker_process.h"

#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <thread>

#include "tests/support/subprocess.h"

namespace weft::testing {

TempFolder::TempFolder(const std::string& prefix) {
  static int counter = 0;
  path_ = std::filesystem::temp_directory_path() /
          (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempFolder::~TempFolder() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void TempFolder::Write(const std::string& name, const std::string& text) const {
  const auto target = path_ / name;
  const auto staging = path_ / ("." + name + ".tmp");  // not *.yaml: never scanned
  std::ofstream(staging, std::ios::trunc) << text;
  // A rewrite within the file system's clock tick would keep the old stamp: move it on.
  std::error_code missing;
  const auto old_stamp = std::filesystem::last_write_time(target, missing);
  if (!missing && std::filesystem::last_write_time(staging) <= old_stamp) {
    std::filesystem::last_write_time(staging, old_stamp + std::chrono::seconds(1));
  }
  std::filesystem::rename(staging, target);
}

std::unique_ptr<ChildProcess> StartWeftWorker(const std::string& address,
                                              const std::string& task_queue,
                                              const std::filesystem::path& workflows,
                                              const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {WeftBinary(),   "worker",   "--address",   address,
                                   "--task-queue", task_queue, "--workflows", workflows.string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto worker = ChildProcess::Start(argv);
  worker->WaitForOutput("weft worker on task queue", std::chrono::seconds(30));
  return worker;
}

std::string UniqueName(const std::string& prefix) {
  static int counter = 0;
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

temporal::WorkflowClient ConnectClient(const std::string& address) {
  auto client = temporal::WorkflowClient::Connect({.address = address});
  if (!client) throw std::runtime_error(client.error().ToString());
  return *client;
}

nlohmann::json HistoryOf(const temporal::WorkflowClient& client, const std::string& workflow_id) {
  auto history = client.HistoryJson({.workflow_id = workflow_id});
  if (!history) throw std::runtime_error(history.error().ToString());
  return nlohmann::json::parse(*history);
}

int CountEvents(const nlohmann::json& history, const std::string& event_type) {
  int count = 0;
  for (const auto& event : history.value("events", nlohmann::json::array())) {
    if (event.value("eventType", "") == event_type) ++count;
  }
  return count;
}

void WaitForEvent(const temporal::WorkflowClient& client, const std::string& workflow_id,
                  const std::string& event_type, int count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (CountEvents(HistoryOf(client, workflow_id), event_type) < count) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("workflow " + workflow_id + " has no " + event_type + " after " +
                               std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace weft::testing

namespace weft::testing {

void WaitUntilClosed(const temporal::WorkflowClient& client, const std::string& workflow_id,
                     std::chrono::milliseconds timeout, bool fail_on_task_failure) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const nlohmann::json history = HistoryOf(client, workflow_id);
    for (const auto& event : history["events"]) {
      const std::string type = event.value("eventType", "");
      if (fail_on_task_failure && type == "EVENT_TYPE_WORKFLOW_TASK_FAILED") {
        throw std::runtime_error("a workflow task of " + workflow_id + " failed: " + event.dump());
      }
      if (type.starts_with("EVENT_TYPE_WORKFLOW_EXECUTION_") &&
          (type.ends_with("_COMPLETED") || type.ends_with("_FAILED") ||
           type.ends_with("_CANCELED") || type.ends_with("_TERMINATED") ||
           type.ends_with("_TIMED_OUT") || type.ends_with("_CONTINUED_AS_NEW"))) {
        return;
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("workflow " + workflow_id + " is still open after " +
                               std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace weft::testing
