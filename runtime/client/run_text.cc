#include "runtime/client/run_text.h"

#include <cstdio>
#include <ctime>
#include <sstream>

#include "runtime/client/progress_line.h"

namespace weft::client {
namespace {

using nlohmann::json;

std::string Short(const json& value, std::size_t limit = 80) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > limit) text = text.substr(0, limit - 1) + "…";
  return text;
}

// The job names and fields are the journal's (runtime/embedded/journal_codec.h).
std::string DescribeJob(const json& job) {
  const std::string kind = job.value("job", "?");
  if (kind == "start_workflow") return "start " + Short(job.value("input", json()));
  if (kind == "resolve_activity") {
    std::string text =
        "activity " + std::to_string(job.value("seq", 0)) + " " + job.value("status", "");
    if (job.contains("result")) text += " " + Short(job["result"]);
    if (job.contains("failure")) text += ": " + job["failure"].value("message", "");
    return text;
  }
  if (kind == "fire_timer") return "timer " + std::to_string(job.value("seq", 0)) + " fired";
  if (kind == "signal") return "signal " + job.value("name", "") + " " + Short(job["payload"]);
  if (kind == "update") return "update " + job.value("name", "") + " " + Short(job["payload"]);
  if (kind == "cancel") return "cancellation requested";
  if (kind == "resolve_child_start") {
    return "child " + std::to_string(job.value("seq", 0)) +
           (job.value("started", false) ? " started" : " failed to start");
  }
  if (kind == "resolve_child") {
    return "child " + std::to_string(job.value("seq", 0)) + " " + job.value("status", "");
  }
  return Short(job);
}

std::string DescribeCommand(const json& command) {
  const std::string kind = command.value("command", "?");
  if (kind == "schedule_activity") {
    // A journal written before step labels were recorded has only the path.
    std::string step = command.value("step_label", "");
    if (step.empty()) step = command.value("step_path", "");
    return step + ": schedule " + command.value("activity_type", "") + " (seq " +
           std::to_string(command.value("seq", 0)) + ")";
  }
  if (kind == "start_timer") {
    const std::string step = command.value("step_label", "");
    return (step.empty() ? "" : step + ": ") + "timer " +
           FormatSeconds(command.value("duration_ms", std::int64_t{0}));
  }
  if (kind == "record_marker") return "marker " + command.value("name", "");
  if (kind == "complete_workflow") return "complete " + Short(command["result"]);
  if (kind == "fail_workflow") return "fail: " + command["failure"].value("message", "");
  if (kind == "start_child_workflow") return "start child " + command.value("workflow_type", "");
  if (kind == "continue_as_new") return "continue as new " + Short(command["input"]);
  return kind;
}

}  // namespace

std::string UtcTimestamp(std::int64_t ms) {
  if (ms == 0) return "-";
  const std::time_t seconds = ms / 1000;
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &parts);
  return text;
}

nlohmann::json RunSummaryJson(const RunSummary& run) {
  nlohmann::json entry = {{"workflow_id", run.execution.workflow_id},
                          {"run_id", run.execution.run_id},
                          {"workflow", run.workflow},
                          {"status", RunStatusName(run.status)},
                          {"created_ms", run.created_ms}};
  if (run.closed_ms != 0) entry["closed_ms"] = run.closed_ms;
  return entry;
}

nlohmann::json RunListJson(const std::vector<RunSummary>& runs) {
  nlohmann::json list = nlohmann::json::array();
  for (const RunSummary& run : runs) list.push_back(run.details);
  return list;
}

std::string OutcomeText(const Outcome& outcome) {
  std::string text = "run " + outcome.execution.run_id + " (" + outcome.execution.workflow_id +
                     ") " + std::string(RunStatusName(outcome.status));
  if (outcome.failure.is_object() && outcome.failure.contains("message")) {
    text += ": " + outcome.failure["message"].get<std::string>();
  }
  return text;
}

std::string RunListText(const std::vector<RunSummary>& runs) {
  std::string text;
  char line[512];
  auto row = [&](const std::string& run_id, const std::string& workflow_id, const std::string& name,
                 std::string_view status, const std::string& started) {
    std::snprintf(line, sizeof line, "%-36s  %-28s  %-18s  %-16s  %s\n", run_id.c_str(),
                  workflow_id.c_str(), name.c_str(), std::string(status).c_str(), started.c_str());
    text += line;
  };
  row("RUN ID", "WORKFLOW ID", "NAME", "STATUS", "STARTED (UTC)");
  for (const RunSummary& run : runs) {
    row(run.execution.run_id, run.execution.workflow_id, run.workflow, RunStatusName(run.status),
        UtcTimestamp(run.created_ms));
  }
  return text;
}

std::string RunDescriptionText(const json& run) {
  std::ostringstream out;
  out << "run       " << run.value("run_id", "") << "\nworkflow  " << run.value("workflow_id", "")
      << "\nname      " << run.value("name", "");
  if (run.contains("version")) {
    out << " v" << run.value("version", 0) << " (sha256 " << run.value("sha256", "").substr(0, 12)
        << ")";
  }
  out << "\nstatus    " << run.value("status", "") << "\nstarted   "
      << UtcTimestamp(run.value("created_ms", std::int64_t{0})) << " UTC\n";
  if (const auto closed = run.value("closed_ms", std::int64_t{0}); closed != 0) {
    out << "closed    " << UtcTimestamp(closed) << " UTC\n";
  }
  if (run.contains("continued_from"))
    out << "continues " << run.value("continued_from", "") << "\n";
  if (run.contains("continued_to")) out << "continued " << run.value("continued_to", "") << "\n";
  if (run.contains("activations")) {
    out << "\nhistory\n";
    for (const auto& a : run["activations"]) {
      std::string jobs, commands;
      for (const auto& job : a["jobs"]) jobs += (jobs.empty() ? "" : "; ") + DescribeJob(job);
      for (const auto& command : a["commands"]) {
        commands += (commands.empty() ? "" : "; ") + DescribeCommand(command);
      }
      out << "  #" << a["seq"] << "  " << UtcTimestamp(a.value("time_ms", std::int64_t{0})) << "  "
          << jobs << "\n";
      if (!commands.empty()) out << "        → " << commands << "\n";
    }
  }
  if (run.contains("waiting_on") && !run["waiting_on"].empty()) {
    out << "\nwaiting on\n";
    for (const auto& o : run["waiting_on"]) {
      out << "  " << o.value("kind", "") << " " << o["seq"];
      if (o["kind"] == "activity") out << " attempt " << o["attempt"];
      if (const auto due = o.value("due_ms", std::int64_t{0}); due != 0) {
        out << " due " << UtcTimestamp(due) << " UTC";
      }
      out << "\n";
    }
  }
  if (run.contains("result"))
    out << "\nresult\n"
        << run["result"].dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (run.contains("failure"))
    out << "\nfailure\n"
        << run["failure"].dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return out.str();
}

}  // namespace weft::client
