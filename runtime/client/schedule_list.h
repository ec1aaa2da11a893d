// A namespace's schedules as `weft schedule list` prints them: a table for people (id, workflow
// type, paused, the next firing) or a JSON array for machines. Times are UTC, as run_text.h
// writes them.
//
// Pure; any thread.
#ifndef WEFT_RUNTIME_CLIENT_SCHEDULE_LIST_H_
#define WEFT_RUNTIME_CLIENT_SCHEDULE_LIST_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/temporal/schedule_client.h"

namespace weft::client {

// [{id, workflow_type, paused, note, next: [times], memo}].
nlohmann::json ScheduleListJson(const std::vector<temporal::ScheduleSummary>& schedules);

// A header line, then one line per schedule; "-" when none is due.
std::string ScheduleListText(const std::vector<temporal::ScheduleSummary>& schedules);

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_SCHEDULE_LIST_H_
