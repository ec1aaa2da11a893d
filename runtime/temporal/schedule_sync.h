// ScheduleSync: makes a namespace's schedules what a worker's definitions declare
// (`schedules:`, dsl::DeclaredSchedule), as `weft worker --sync-schedules` does at start and
// after every rescan that changed a definition. A declared schedule is created as
// `<workflow>.<id>`, updated when its declaration changed, and deleted when no served
// definition declares it any more; a schedule weft did not create is never touched.
//
// What weft created carries a mark in the schedule's memo (`weft`: the task queue and the
// workflow), so that two workers serving different task queues in one namespace leave each
// other's schedules alone; and a fingerprint of its declaration in the memo of the runs it
// starts (`weft-schedule`), which an update can rewrite (a schedule's own memo cannot be
// updated). An update replaces the schedule's state too: a schedule paused by hand is unpaused
// by an edit of its declaration, not by a restart.
//
// Stateless; any thread; blocks on the server.
#ifndef WEFT_RUNTIME_TEMPORAL_SCHEDULE_SYNC_H_
#define WEFT_RUNTIME_TEMPORAL_SCHEDULE_SYNC_H_

#include <string>
#include <vector>

#include "runtime/schedule/workflow_schedules.h"
#include "runtime/temporal/schedule_client.h"

namespace weft::temporal {

struct ScheduleSyncReport {
  std::vector<std::string> created, updated, deleted, unchanged;  // schedule ids
  std::vector<std::string> errors;  // one line per schedule that could not be made so
};

// `wanted`: schedule::WorkflowSchedules() of the served definitions; each is created as the
// schedule schedule::ScheduleKey() names.
ScheduleSyncReport SyncSchedules(const ScheduleClient& client,
                                 const std::vector<schedule::WorkflowSchedule>& wanted,
                                 const std::string& task_queue);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_SCHEDULE_SYNC_H_
