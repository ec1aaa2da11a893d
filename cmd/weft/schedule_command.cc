// weft schedule create|list|describe|pause|unpause|trigger|delete: Temporal's schedules
// (runtime/temporal/schedule_client.h), with the Temporal CLI's connection flags.

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cmd/weft/commands.h"
#include "cmd/weft/connection_flags.h"
#include "cmd/weft/json_argument.h"
#include "cmd/weft/output.h"
#include "dsl/duration.h"
#include "runtime/client/run_text.h"
#include "runtime/temporal/schedule_client.h"

namespace weft::cli {
namespace {

using nlohmann::json;
using temporal::ScheduleClient;

struct ScheduleFlags {
  ConnectionFlags connection;
  std::string id;
  // create
  std::string workflow, task_queue = "weft", input, workflow_id, time_zone, jitter, catchup_window;
  std::string overlap;
  std::vector<std::string> crons, intervals;
  bool pause_on_failure = false, paused = false;
  // pause, unpause
  std::string note;
  bool json = false;

  ScheduleClient Connect() const {
    return ScheduleClient(OrFail(temporal::WorkflowClient::Connect(connection.Options())));
  }
};

std::chrono::milliseconds Duration(const std::string& text, const std::string& flag) {
  auto duration = dsl::ParseDuration(text);
  if (!duration) Fail(flag + " " + text + " is no duration (30s, 5m, 1h30m, 2d)", 2);
  return *duration;
}

std::optional<temporal::OverlapPolicy> Overlap(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return temporal::ParseOverlapPolicy(text);  // CLI11 checked the name
}

void Create(const ScheduleFlags& flags) {
  if (flags.crons.empty() && flags.intervals.empty()) {
    Fail("schedule create needs --cron or --interval (or both)", 2);
  }
  temporal::Schedule schedule{.crons = flags.crons,
                              .time_zone = flags.time_zone,
                              .workflow_type = flags.workflow,
                              .task_queue = flags.task_queue,
                              .input = flags.input.empty()
                                           ? json::object()
                                           : OrFail(ParseJsonArgument(flags.input, "--input"), 2),
                              .workflow_id = flags.workflow_id,
                              .pause_on_failure = flags.pause_on_failure,
                              .paused = flags.paused,
                              .note = flags.note};
  for (const auto& interval : flags.intervals) {
    schedule.intervals.push_back(Duration(interval, "--interval"));
  }
  if (!flags.jitter.empty()) schedule.jitter = Duration(flags.jitter, "--jitter");
  if (!flags.catchup_window.empty()) {
    schedule.catchup_window = Duration(flags.catchup_window, "--catchup-window");
  }
  if (auto overlap = Overlap(flags.overlap)) schedule.overlap = *overlap;
  OrFail(flags.Connect().Create(flags.id, schedule));
  std::cout << json{{"schedule_id", flags.id}}.dump(2, ' ', false,
                                                    nlohmann::json::error_handler_t::replace)
            << "\n";
}

void List(const ScheduleFlags& flags) {
  const auto schedules = OrFail(flags.Connect().List());
  if (flags.json) {
    json out = json::array();
    for (const auto& schedule : schedules) {
      json next = json::array();
      for (const auto ms : schedule.next_ms) next.push_back(client::UtcTimestamp(ms));
      out.push_back({{"id", schedule.id},
                     {"workflow_type", schedule.workflow_type},
                     {"paused", schedule.paused},
                     {"note", schedule.note},
                     {"next", next},
                     {"memo", schedule.memo}});
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  std::printf("%-28s  %-24s  %-6s  %s\n", "SCHEDULE ID", "WORKFLOW TYPE", "PAUSED", "NEXT (UTC)");
  for (const auto& schedule : schedules) {
    std::printf(
        "%-28s  %-24s  %-6s  %s\n", schedule.id.c_str(), schedule.workflow_type.c_str(),
        schedule.paused ? "yes" : "no",
        schedule.next_ms.empty() ? "-" : client::UtcTimestamp(schedule.next_ms.front()).c_str());
  }
}

CLI::App* AddScheduleCommand(CLI::App& schedule, const std::string& name, const std::string& help,
                             const std::shared_ptr<ScheduleFlags>& flags) {
  auto* command = schedule.add_subcommand(name, help);
  flags->connection.AddTo(*command);
  if (name != "list") command->add_option("schedule-id", flags->id, "Schedule id")->required();
  return command;
}

std::vector<std::string> PolicyNames() {
  std::vector<std::string> names;
  for (const auto policy : temporal::kOverlapPolicies) {
    names.emplace_back(temporal::OverlapPolicyName(policy));
  }
  return names;
}

}  // namespace

void AddScheduleCommands(CLI::App& app) {
  auto* schedule = app.add_subcommand(
      "schedule", "Temporal schedules: runs of a workflow on a calendar or at an interval");
  schedule->require_subcommand(1);
  {
    auto flags = std::make_shared<ScheduleFlags>();
    auto* command = AddScheduleCommand(*schedule, "create", "Create a schedule", flags);
    command->add_option("--workflow", flags->workflow, "Workflow type to start")->required();
    command->add_option("--task-queue,-t", flags->task_queue, "Task queue")->capture_default_str();
    command->add_option("--input,-i", flags->input, "Input as JSON, @file or @- for stdin");
    command->add_option("--workflow-id", flags->workflow_id,
                        "Workflow id of its runs, before the firing time (default: the "
                        "schedule id)");
    command->add_option("--cron", flags->crons,
                        "Cron string, e.g. \"0 9 * * MON-FRI\" (repeatable)");
    command->add_option("--interval", flags->intervals, "Interval, e.g. 1h or 30m (repeatable)");
    command->add_option("--time-zone", flags->time_zone,
                        "IANA time zone of the cron strings (default: UTC)");
    command->add_option("--jitter", flags->jitter, "Delay each firing by up to this, at random");
    command->add_option("--overlap", flags->overlap, "When the last run is still open")
        ->check(CLI::IsMember(PolicyNames()));
    command->add_option("--catchup-window", flags->catchup_window,
                        "How late a missed firing may still start (default: a year)");
    command->add_flag("--pause-on-failure", flags->pause_on_failure,
                      "Pause the schedule when a run fails");
    command->add_flag("--paused", flags->paused, "Create it paused");
    command->add_option("--note", flags->note, "A note on its state");
    command->callback([flags] { Create(*flags); });
  }
  {
    auto flags = std::make_shared<ScheduleFlags>();
    auto* command = AddScheduleCommand(*schedule, "list", "List the namespace's schedules", flags);
    command->add_flag("--json", flags->json, "As JSON");
    command->callback([flags] { List(*flags); });
  }
  {
    auto flags = std::make_shared<ScheduleFlags>();
    AddScheduleCommand(*schedule, "describe", "A schedule, its recent and next firings, as JSON",
                       flags)
        ->callback([flags] {
          std::cout << temporal::ToJson(OrFail(flags->Connect().Describe(flags->id)))
                           .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                    << "\n";
        });
  }
  {
    auto flags = std::make_shared<ScheduleFlags>();
    auto* command = AddScheduleCommand(*schedule, "pause", "Pause a schedule", flags);
    command->add_option("--note", flags->note, "Why");
    command->callback([flags] { OrFail(flags->Connect().Pause(flags->id, flags->note)); });
  }
  {
    auto flags = std::make_shared<ScheduleFlags>();
    auto* command = AddScheduleCommand(*schedule, "unpause", "Unpause a schedule", flags);
    command->add_option("--note", flags->note, "Why");
    command->callback([flags] { OrFail(flags->Connect().Unpause(flags->id, flags->note)); });
  }
  {
    auto flags = std::make_shared<ScheduleFlags>();
    auto* command = AddScheduleCommand(*schedule, "trigger", "Start its workflow now", flags);
    command->add_option("--overlap", flags->overlap, "Overlap policy for this run")
        ->check(CLI::IsMember(PolicyNames()));
    command->callback(
        [flags] { OrFail(flags->Connect().Trigger(flags->id, Overlap(flags->overlap))); });
  }
  {
    auto flags = std::make_shared<ScheduleFlags>();
    AddScheduleCommand(*schedule, "delete", "Delete a schedule (its runs go on)", flags)
        ->callback([flags] { OrFail(flags->Connect().Delete(flags->id)); });
  }
}

}  // namespace weft::cli
