// weft schedule create|list|describe|pause|unpause|trigger|delete: Temporal's schedules
// (runtime/temporal/schedule_client.h), with the Temporal CLI's connection flags. The flags of
// create become a schedule in runtime/temporal/schedule_arguments.h; the list's table and JSON
// are runtime/client/schedule_list.h's.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/client/json_argument.h"
#include "runtime/client/schedule_list.h"
#include "runtime/temporal/schedule_arguments.h"

namespace weft::cli {
namespace {

struct ScheduleFlags {
  temporal::ConnectionArguments connection;
  std::string id;
  temporal::ScheduleArguments create{.task_queue = "weft"};
  std::string input;          // create: JSON, @file or @-
  std::string note, overlap;  // pause, unpause; trigger
  bool json = false;          // list

  temporal::ScheduleClient Connect() const {
    return temporal::ScheduleClient(
        OrFail(temporal::WorkflowClient::Connect(temporal::ToConnectionOptions(connection))));
  }
};

void Create(ScheduleFlags& flags) {
  flags.create.input =
      OrFail(client::ParseJsonArgument(flags.input, "--input", nlohmann::json::object()), 2);
  const temporal::Schedule schedule = OrFail(temporal::ToSchedule(flags.create), 2);
  OrFail(flags.Connect().Create(flags.id, schedule));
  PrintJson({{"schedule_id", flags.id}});
}

CLI::App* AddScheduleCommand(CLI::App& schedule, const std::string& name, const std::string& help,
                             const std::shared_ptr<ScheduleFlags>& flags) {
  auto* command = schedule.add_subcommand(name, help);
  AddConnectionFlags(*command, flags->connection);
  if (name != "list") command->add_option("schedule-id", flags->id, "Schedule id")->required();
  return command;
}

}  // namespace

void AddScheduleCommands(CLI::App& app) {
  auto* schedule = app.add_subcommand(
      "schedule", "Temporal schedules: runs of a workflow on a calendar or at an interval");
  schedule->require_subcommand(1);
  {
    auto flags = std::make_shared<ScheduleFlags>();
    auto* command = AddScheduleCommand(*schedule, "create", "Create a schedule", flags);
    auto& create = flags->create;
    command->add_option("--workflow", create.workflow_type, "Workflow type to start")->required();
    command->add_option("--task-queue,-t", create.task_queue, "Task queue")->capture_default_str();
    command->add_option("--input,-i", flags->input, "Input as JSON, @file or @- for stdin");
    command->add_option("--workflow-id", create.workflow_id,
                        "Workflow id of its runs, before the firing time (default: the "
                        "schedule id)");
    command->add_option("--cron", create.crons,
                        "Cron string, e.g. \"0 9 * * MON-FRI\" (repeatable)");
    command->add_option("--interval", create.intervals, "Interval, e.g. 1h or 30m (repeatable)");
    command->add_option("--time-zone", create.time_zone,
                        "IANA time zone of the cron strings (default: UTC)");
    command->add_option("--jitter", create.jitter, "Delay each firing by up to this, at random");
    command->add_option("--overlap", create.overlap, "When the last run is still open")
        ->check(CLI::IsMember(temporal::OverlapPolicyNames()));
    command->add_option("--catchup-window", create.catchup_window,
                        "How late a missed firing may still start (default: a year)");
    command->add_flag("--pause-on-failure", create.pause_on_failure,
                      "Pause the schedule when a run fails");
    command->add_flag("--paused", create.paused, "Create it paused");
    command->add_option("--note", create.note, "A note on its state");
    command->callback([flags] { Create(*flags); });
  }
  {
    auto flags = std::make_shared<ScheduleFlags>();
    auto* command = AddScheduleCommand(*schedule, "list", "List the namespace's schedules", flags);
    command->add_flag("--json", flags->json, "As JSON");
    command->callback([flags] {
      const auto schedules = OrFail(flags->Connect().List());
      if (flags->json) {
        PrintJson(client::ScheduleListJson(schedules));
      } else {
        std::cout << client::ScheduleListText(schedules);
      }
    });
  }
  {
    auto flags = std::make_shared<ScheduleFlags>();
    AddScheduleCommand(*schedule, "describe", "A schedule, its recent and next firings, as JSON",
                       flags)
        ->callback(
            [flags] { PrintJson(temporal::ToJson(OrFail(flags->Connect().Describe(flags->id)))); });
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
        ->check(CLI::IsMember(temporal::OverlapPolicyNames()));
    command->callback([flags] {
      OrFail(flags->Connect().Trigger(flags->id, temporal::ParseOverlapPolicy(flags->overlap)));
    });
  }
  {
    auto flags = std::make_shared<ScheduleFlags>();
    AddScheduleCommand(*schedule, "delete", "Delete a schedule (its runs go on)", flags)
        ->callback([flags] { OrFail(flags->Connect().Delete(flags->id)); });
  }
}

}  // namespace weft::cli
