#include "runtime/temporal/schedule_arguments.h"

#include <chrono>
#include <optional>

#include "dsl/duration.h"

namespace weft::temporal {
namespace {

std::expected<std::chrono::milliseconds, std::string> FlagDuration(const std::string& text,
                                                                   const std::string& flag) {
  auto duration = dsl::ParseDuration(text);
  if (!duration) return std::unexpected(flag + " " + text + " is no duration (30s, 5m, 1h30m, 2d)");
  return *duration;
}

}  // namespace

std::expected<Schedule, std::string> ToSchedule(const ScheduleArguments& arguments) {
  if (arguments.crons.empty() && arguments.intervals.empty()) {
    return std::unexpected(std::string("schedule create needs --cron or --interval (or both)"));
  }
  Schedule schedule{.crons = arguments.crons,
                    .time_zone = arguments.time_zone,
                    .workflow_type = arguments.workflow_type,
                    .task_queue = arguments.task_queue,
                    .input = arguments.input,
                    .workflow_id = arguments.workflow_id,
                    .pause_on_failure = arguments.pause_on_failure,
                    .paused = arguments.paused,
                    .note = arguments.note};
  for (const auto& interval : arguments.intervals) {
    auto duration = FlagDuration(interval, "--interval");
    if (!duration) return std::unexpected(duration.error());
    schedule.intervals.push_back(*duration);
  }
  if (!arguments.jitter.empty()) {
    auto jitter = FlagDuration(arguments.jitter, "--jitter");
    if (!jitter) return std::unexpected(jitter.error());
    schedule.jitter = *jitter;
  }
  if (!arguments.catchup_window.empty()) {
    auto window = FlagDuration(arguments.catchup_window, "--catchup-window");
    if (!window) return std::unexpected(window.error());
    schedule.catchup_window = *window;
  }
  if (!arguments.overlap.empty()) {
    const std::optional<OverlapPolicy> overlap = ParseOverlapPolicy(arguments.overlap);
    if (!overlap) return std::unexpected("--overlap " + arguments.overlap + " is no policy");
    schedule.overlap = *overlap;
  }
  return schedule;
}

std::vector<std::string> OverlapPolicyNames() {
  std::vector<std::string> names;
  for (const auto policy : kOverlapPolicies) names.emplace_back(OverlapPolicyName(policy));
  return names;
}

}  // namespace weft::temporal
