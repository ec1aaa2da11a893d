// The schedules a folder of definitions declares (`schedules:`, dsl::DeclaredSchedule), as both
// engines read them: the newest version of each workflow declares its schedules (older
// versions are runs in flight, not what new runs start from); a schedule's key is
// "<workflow>.<id>" (the Temporal schedule id, and the embedded journal's schedule record); and
// a fingerprint of its declaration tells an edited schedule from an unchanged one.
//
// Pure functions; any thread.
#ifndef WEFT_RUNTIME_SCHEDULE_WORKFLOW_SCHEDULES_H_
#define WEFT_RUNTIME_SCHEDULE_WORKFLOW_SCHEDULES_H_

#include <memory>
#include <string>
#include <vector>

#include "dsl/definition.h"

namespace weft::schedule {

struct WorkflowSchedule {
  std::string workflow;  // the definition's name: the workflow type the schedule starts
  dsl::DeclaredSchedule schedule;
};

// "<workflow>.<id>".
std::string ScheduleKey(const WorkflowSchedule& declared);

// 16 hex digits of a hash over everything the declaration says.
std::string DeclarationFingerprint(const WorkflowSchedule& declared);

// The schedules of every newest definition in `definitions` (one per name), by key.
std::vector<WorkflowSchedule> WorkflowSchedules(
    const std::vector<std::shared_ptr<const dsl::Definition>>& definitions);

}  // namespace weft::schedule

#endif  // WEFT_RUNTIME_SCHEDULE_WORKFLOW_SCHEDULES_H_
