#include "runtime/client/schedule_list.h"

#include <iomanip>
#include <sstream>

#include "runtime/client/run_text.h"

namespace weft::client {

nlohmann::json ScheduleListJson(const std::vector<temporal::ScheduleSummary>& schedules) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& schedule : schedules) {
    nlohmann::json next = nlohmann::json::array();
    for (const auto ms : schedule.next_ms) next.push_back(UtcTimestamp(ms));
    out.push_back({{"id", schedule.id},
                   {"workflow_type", schedule.workflow_type},
                   {"paused", schedule.paused},
                   {"note", schedule.note},
                   {"next", next},
                   {"memo", schedule.memo}});
  }
  return out;
}

std::string ScheduleListText(const std::vector<temporal::ScheduleSummary>& schedules) {
  std::ostringstream text;
  text << std::left;
  auto row = [&](const std::string& id, const std::string& type, const std::string& paused,
                 const std::string& next) {
    text << std::setw(28) << id << "  " << std::setw(24) << type << "  " << std::setw(6) << paused
         << "  " << next << "\n";
  };
  row("SCHEDULE ID", "WORKFLOW TYPE", "PAUSED", "NEXT (UTC)");
  for (const auto& schedule : schedules) {
    row(schedule.id, schedule.workflow_type, schedule.paused ? "yes" : "no",
        schedule.next_ms.empty() ? "-" : UtcTimestamp(schedule.next_ms.front()));
  }
  return text.str();
}

}  // namespace weft::client
