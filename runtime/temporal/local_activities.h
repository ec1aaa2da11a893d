// LocalActivities: runs the local activities (`local: true`) of a workflow worker's runs in
// this process. The server never schedules them: the worker runs each one while the workflow
// task that asked for it is open, applies its retry policy and timeouts here with the rules
// the embedded engine uses (run/activity_retry.h), and records only the final outcome in
// history (local_activity_marker.h; docs/temporal-protocol.md#local-activities).
//
// Every activity gets a driver thread of its own that waits out its attempts, timeouts and
// backoffs; the attempts themselves run on an activity::ActivityPool, whose threads keep their
// Lua sandboxes loaded. An attempt that outlives its start-to-close or schedule-to-close
// timeout is abandoned (its thread is replaced) and counts as timed out.
//
// Start() and Cancel() may be called from any thread. `done` runs on the activity's driver
// thread, once, unless Cancel() or the destructor came first. The destructor cancels what runs
// and waits for the drivers (not for abandoned attempts).
#ifndef WEFT_RUNTIME_TEMPORAL_LOCAL_ACTIVITIES_H_
#define WEFT_RUNTIME_TEMPORAL_LOCAL_ACTIVITIES_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "runtime/activity/activity_pool.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/interpreter/command.h"
#include "runtime/temporal/local_activity_marker.h"

namespace weft::temporal {

class LocalActivities {
 public:
  using Done = std::move_only_function<void(LocalActivityOutcome)>;
  using Ticket = std::uint64_t;

  // `registry` must outlive this.
  LocalActivities(const activity::ActivityRegistry& registry, int threads);
  ~LocalActivities();
  LocalActivities(const LocalActivities&) = delete;
  LocalActivities& operator=(const LocalActivities&) = delete;

  Ticket Start(interpreter::ScheduleActivity activity, std::string workflow_id, std::string run_id,
               Done done);
  // The activity's attempt sees IsCancelled(); its outcome is never delivered.
  void Cancel(Ticket ticket);

  // Attempts run so far, for tests and logs.
  std::uint64_t attempts_started() const;

 private:
  struct Execution;
  void Drive(std::shared_ptr<Execution> execution);

  const activity::ActivityRegistry& registry_;
  activity::ActivityPool pool_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;  // an execution was cancelled, or one ended
  bool stopping_ = false;
  Ticket next_ticket_ = 1;
  std::uint64_t attempts_started_ = 0;
  std::map<Ticket, std::shared_ptr<Execution>> running_;
  std::map<Ticket, std::thread> drivers_;
  std::vector<std::thread> finished_drivers_;  // joined by the next Start or the destructor
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_LOCAL_ACTIVITIES_H_
