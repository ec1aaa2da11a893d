// A schedule as `weft schedule create` is given it: durations as the language writes them
// ("30s", "1h30m"), the overlap policy by name. ToSchedule() checks and converts them into the
// Schedule that ScheduleClient::Create() sends; a bad value is a usage error whose message names
// the flag, so that the command prints it as it is and exits 2.
//
// Pure and stateless; any thread.
#ifndef WEFT_RUNTIME_TEMPORAL_SCHEDULE_ARGUMENTS_H_
#define WEFT_RUNTIME_TEMPORAL_SCHEDULE_ARGUMENTS_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/temporal/schedule_client.h"

namespace weft::temporal {

struct ScheduleArguments {
  std::vector<std::string> crons;      // --cron
  std::vector<std::string> intervals;  // --interval
  std::string time_zone;
  std::string jitter;          // empty: none
  std::string catchup_window;  // empty: the server's default
  std::string overlap;         // a policy's name; empty: skip
  std::string workflow_type;
  std::string task_queue;
  nlohmann::json input = nlohmann::json::object();
  std::string workflow_id;
  bool pause_on_failure = false;
  bool paused = false;
  std::string note;
};

// Needs a cron string or an interval. Errors read "--interval soon is no duration (...)".
std::expected<Schedule, std::string> ToSchedule(const ScheduleArguments& arguments);

// The names of the overlap policies, for a command line's check of --overlap.
std::vector<std::string> OverlapPolicyNames();

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_SCHEDULE_ARGUMENTS_H_
