// What the Temporal engine's end-to-end tests share: the real `weft worker` binary as a child
// process, a temporary workflows folder, and a few waits on histories. Tests see weft as a user
// does: a process serving a folder, driven by a client.
#ifndef WEFT_TESTS_TEMPORAL_WEFT_WORKER_PROCESS_H_
#define WEFT_TESTS_TEMPORAL_WEFT_WORKER_PROCESS_H_

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/temporal/workflow_client.h"
#include "tests/support/child_process.h"

namespace weft::testing {

// A fresh folder under the system's temporary directory, removed with the object.
class TempFolder {
 public:
  explicit TempFolder(const std::string& prefix);
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `name` in the folder, atomically (a rename), so that a worker rescanning
  // it never reads half a file; the new file's stamp is later than the old one's.
  void Write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

// `weft worker --address <address> --task-queue <queue> --workflows <folder> <extra...>`,
// returned once it polls.
std::unique_ptr<ChildProcess> StartWeftWorker(const std::string& address,
                                              const std::string& task_queue,
                                              const std::filesystem::path& workflows,
                                              const std::vector<std::string>& extra = {});

// A unique name for a task queue or a workflow id: `prefix`, the pid and a counter.
std::string UniqueName(const std::string& prefix);

temporal::WorkflowClient ConnectClient(const std::string& address);

// The history of a run as JSON ({"events": [...]}).
nlohmann::json HistoryOf(const temporal::WorkflowClient& client, const std::string& workflow_id);

// Waits until the run's history holds an event of `event_type` (e.g.
// "EVENT_TYPE_WORKFLOW_TASK_COMPLETED"), `count` times. Throws after `timeout`.
void WaitForEvent(const temporal::WorkflowClient& client, const std::string& workflow_id,
                  const std::string& event_type, int count = 1,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Waits until the run is closed (completed, failed, ...). Throws after `timeout` and, when
// `fail_on_task_failure`, as soon as a workflow task fails (non-determinism, an unknown type),
// quoting the failure.
void WaitUntilClosed(const temporal::WorkflowClient& client, const std::string& workflow_id,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60),
                     bool fail_on_task_failure = true);

// Counts the events of `event_type` in a history.
int CountEvents(const nlohmann::json& history, const std::string& event_type);

}  // namespace weft::testing

#endif  // WEFT_TESTS_TEMPORAL_WEFT_WORKER_PROCESS_H_
