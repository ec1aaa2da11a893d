// weft schedule create|list|describe|pause|unpause|trigger|delete: Temporal's schedules
// (runtime/temporal/schedule_client.h), with the Temporal CLI's connection flags. The flags of
// create become a schedule in runtime/temporal/schedule_arguments.h; the list's table and JSON
// are runtime/client/schedule_list.h's.

#include <iostream>
#include <memory>
#include <string>

#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/client/schedule_list.h"
#include "runtime/temporal/schedule_arguments.h"

namespace weft::cli {
namespace {

// The flags of every subcommand: a process runs one, so they share one set.
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
  flags.create.input = InputJson(flags.input, nlohmann::json::object());
  const temporal::Schedule schedule = OrFail(temporal::ToSchedule(flags.create), 2);
  OrFail(flags.Connect().Create(flags.id, schedule));
  PrintJson({{"schedule_id", flags.id}});
}

CLI::App* AddScheduleCommand(CLI::App& schedule, const std::string& name, const std::string& help,
                             ScheduleFlags& flags) {
  auto* command = schedule.add_subcommand(name, help);
  AddConnectionFlags(*command, flags.connection);
  if (name != "list") command->add_option("schedule-id", flags.id, "Schedule id")->required();
  return command;
}

}  // namespace

void AddScheduleCommands(CLI::App& app) {
  auto* schedule = app.add_subcommand(
      "schedule", "Temporal schedules: runs of a workflow on a calendar or at an interval");
  schedule->require_subcommand(1);
  auto flags = std::make_shared<ScheduleFlags>();

  auto* create = AddScheduleCommand(*schedule, "create", "Create a schedule", *flags);
  temporal::ScheduleArguments& arguments = flags->create;
  create->add_option("--workflow", arguments.workflow_type, "Workflow type to start")->required();
  AddTaskQueueFlag(*create, arguments.task_queue);
  AddInputFlag(*create, flags->input);
  create->add_option("--workflow-id", arguments.workflow_id,
                     "Workflow id of its runs, before the firing time (default: the schedule id)");
  create->add_option("--cron", arguments.crons,
                     "Cron string, e.g. \"0 9 * * MON-FRI\" (repeatable)");
  create->add_option("--interval", arguments.intervals, "Interval, e.g. 1h or 30m (repeatable)");
  create->add_option("--time-zone", arguments.time_zone,
                     "IANA time zone of the cron strings (default: UTC)");
  create->add_option("--jitter", arguments.jitter, "Delay each firing by up to this, at random");
  create->add_option("--overlap", arguments.overlap, "When the last run is still open")
      ->check(CLI::IsMember(temporal::OverlapPolicyNames()));
  create->add_option("--catchup-window", arguments.catchup_window,
                     "How late a missed firing may still start (default: a year)");
  create->add_flag("--pause-on-failure", arguments.pause_on_failure,
                   "Pause the schedule when a run fails");
  create->add_flag("--paused", arguments.paused, "Create it paused");
  create->add_option("--note", arguments.note, "A note on its state");
  create->callback([flags] { Create(*flags); });

  auto* list = AddScheduleCommand(*schedule, "list", "List the namespace's schedules", *flags);
  list->add_flag("--json", flags->json, "As JSON");
  list->callback([flags] {
    const auto schedules = OrFail(flags->Connect().List());
    if (flags->json) {
      PrintJson(client::ScheduleListJson(schedules));
    } else {
      std::cout << client::ScheduleListText(schedules);
    }
  });

  AddScheduleCommand(*schedule, "describe", "A schedule, its recent and next firings, as JSON",
                     *flags)
      ->callback(
          [flags] { PrintJson(temporal::ToJson(OrFail(flags->Connect().Describe(flags->id)))); });

  auto* pause = AddScheduleCommand(*schedule, "pause", "Pause a schedule", *flags);
  pause->add_option("--note", flags->note, "Why");
  pause->callback([flags] { OrFail(flags->Connect().Pause(flags->id, flags->note)); });

  auto* unpause = AddScheduleCommand(*schedule, "unpause", "Unpause a schedule", *flags);
  unpause->add_option("--note", flags->note, "Why");
  unpause->callback([flags] { OrFail(flags->Connect().Unpause(flags->id, flags->note)); });

  auto* trigger = AddScheduleCommand(*schedule, "trigger", "Start its workflow now", *flags);
  trigger->add_option("--overlap", flags->overlap, "Overlap policy for this run")
      ->check(CLI::IsMember(temporal::OverlapPolicyNames()));
  trigger->callback([flags] {
    OrFail(flags->Connect().Trigger(flags->id, temporal::ParseOverlapPolicy(flags->overlap)));
  });

  AddScheduleCommand(*schedule, "delete", "Delete a schedule (its runs go on)", *flags)
      ->callback([flags] { OrFail(flags->Connect().Delete(flags->id)); });
}

}  // namespace weft::cli
