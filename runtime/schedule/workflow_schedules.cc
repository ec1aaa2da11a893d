#include "runtime/schedule/workflow_schedules.h"

#include <map>
#include <nlohmann/json.hpp>

#include "dsl/duration.h"
#include "dsl/sha256.h"

namespace weft::schedule {

std::string ScheduleKey(const WorkflowSchedule& declared) {
  return declared.workflow + "." + declared.schedule.id;
}

std::string DeclarationFingerprint(const WorkflowSchedule& declared) {
  const dsl::DeclaredSchedule& s = declared.schedule;
  nlohmann::json intervals = nlohmann::json::array();
  for (const auto interval : s.intervals) intervals.push_back(dsl::FormatDuration(interval));
  const nlohmann::json declaration = {
      {"workflow", declared.workflow},
      {"id", s.id},
      {"crons", s.crons},
      {"intervals", intervals},
      {"time_zone", s.time_zone},
      {"jitter", dsl::FormatDuration(s.jitter)},
      {"overlap", s.overlap},
      {"catchup_window", s.catchup_window ? dsl::FormatDuration(*s.catchup_window) : ""},
      {"pause_on_failure", s.pause_on_failure},
      {"paused", s.paused},
      {"input", s.input}};
  return dsl::Sha256Hex(declaration.dump()).substr(0, 16);
}

std::vector<WorkflowSchedule> WorkflowSchedules(
    const std::vector<std::shared_ptr<const dsl::Definition>>& definitions) {
  std::map<std::string, std::shared_ptr<const dsl::Definition>> newest;
  for (const auto& definition : definitions) {
    auto& slot = newest[definition->name];
    if (!slot || slot->version <= definition->version) slot = definition;
  }
  std::vector<WorkflowSchedule> declared;
  for (const auto& [name, definition] : newest) {
    for (const auto& schedule : definition->schedules) declared.push_back({name, schedule});
  }
  return declared;
}

}  // namespace weft::schedule
