#include "runtime/client/run_description.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace weft::client {
namespace {

using nlohmann::json;

// What each operation of a run is, from the commands its history recorded: "activity 3" is
// the step `charge_payment` calling payments.charge. Keyed by kind ("activity", "timer",
// "child") and seq, as the run's waiting_on names them.
struct Operation {
  std::string step;
  std::string what;  // the activity type, the child's workflow type
};
using Operations = std::map<std::pair<std::string, std::int64_t>, Operation>;

Operations OperationsOf(const json& activations) {
  Operations operations;
  if (!activations.is_array()) return operations;
  for (const json& activation : activations) {
    for (const json& command : activation.value("commands", json::array())) {
      const std::string kind = command.value("command", "");
      const std::int64_t seq = command.value("seq", std::int64_t{0});
      const std::string step = command.value("step_label", command.value("step_path", ""));
      if (kind == "schedule_activity") {
        operations[{"activity", seq}] = {step, command.value("activity_type", "")};
      } else if (kind == "start_timer") {
        operations[{"timer", seq}] = {step, ""};
      } else if (kind == "start_child_workflow") {
        operations[{"child", seq}] = {step, command.value("workflow_type", "")};
      }
    }
  }
  return operations;
}

std::string StepOf(const Operations& operations, const std::string& kind, std::int64_t seq) {
  auto found = operations.find({kind, seq});
  return found == operations.end() ? std::string() : found->second.step;
}

// Every operation with how it ended so far, in the order the run started them: what draws each
// step's state needs, beyond the lines of the history.
json OperationList(const json& activations, const Operations& operations) {
  std::map<std::pair<std::string, std::int64_t>, json> ended;
  for (const json& activation : activations) {
    for (const json& job : activation.value("jobs", json::array())) {
      const std::string kind = job.value("job", "");
      const std::int64_t seq = job.value("seq", std::int64_t{0});
      if (kind == "resolve_activity" || kind == "resolve_child") {
        json end = {{"status", job.value("status", "")}};
        for (const char* key : {"result", "failure"}) {
          if (job.contains(key)) end[key] = job[key];
        }
        ended[{kind == "resolve_activity" ? "activity" : "child", seq}] = std::move(end);
      } else if (kind == "fire_timer") {
        ended[{"timer", seq}] = {{"status", "fired"}};
      }
    }
  }
  json list = json::array();
  for (const json& activation : activations) {
    for (const json& command : activation.value("commands", json::array())) {
      const std::string name = command.value("command", "");
      const std::string kind = name == "schedule_activity"      ? "activity"
                               : name == "start_timer"          ? "timer"
                               : name == "start_child_workflow" ? "child"
                                                                : "";
      if (kind.empty()) continue;
      const std::int64_t seq = command.value("seq", std::int64_t{0});
      const Operation& operation = operations.at({kind, seq});
      json entry = {{"kind", kind}, {"seq", seq}, {"step", operation.step}, {"status", "started"}};
      if (!operation.what.empty()) entry["what"] = operation.what;
      if (command.contains("input")) entry["input"] = command["input"];
      if (auto end = ended.find({kind, seq}); end != ended.end()) entry.update(end->second);
      list.push_back(std::move(entry));
    }
  }
  return list;
}

// One activation of the history as a line each for what happened and what the run did next,
// naming steps by id.
json HistoryEntry(const json& activation, const Operations& operations) {
  json events = json::array();
  for (const json& job : activation.value("jobs", json::array())) {
    const std::string kind = job.value("job", "");
    const std::int64_t seq = job.value("seq", std::int64_t{0});
    if (kind == "start_workflow") {
      events.push_back("started");
    } else if (kind == "resolve_activity") {
      std::string text = StepOf(operations, "activity", seq) + " " + job.value("status", "");
      if (job.contains("failure")) {
        text += ": " + RootCause(job["failure"]).value("message", "");
      }
      events.push_back(std::move(text));
    } else if (kind == "fire_timer") {
      events.push_back(StepOf(operations, "timer", seq) + " timer fired");
    } else if (kind == "signal" || kind == "update") {
      events.push_back(kind + " " + job.value("name", ""));
    } else if (kind == "cancel") {
      events.push_back("cancellation requested");
    } else if (kind == "resolve_child") {
      events.push_back(StepOf(operations, "child", seq) + " child " + job.value("status", ""));
    } else if (!kind.empty()) {
      events.push_back(kind);
    }
  }
  json commands = json::array();
  for (const json& command : activation.value("commands", json::array())) {
    const std::string kind = command.value("command", "");
    const std::string step = command.value("step_label", command.value("step_path", ""));
    if (kind == "schedule_activity") {
      commands.push_back(step + ": call " + command.value("activity_type", ""));
    } else if (kind == "start_timer") {
      commands.push_back(step + ": timer " +
                         std::to_string(command.value("duration_ms", std::int64_t{0})) + " ms");
    } else if (kind == "start_child_workflow") {
      commands.push_back(step + ": child " + command.value("workflow_type", ""));
    } else if (kind == "fail_workflow") {
      commands.push_back("fail: " +
                         RootCause(command.value("failure", json())).value("message", ""));
    } else if (kind == "complete_workflow") {
      commands.push_back("complete");
    } else if (kind != "record_marker") {
      commands.push_back(kind);
    }
  }
  return {{"seq", activation.value("seq", 0)},
          {"time_ms", activation.value("time_ms", std::int64_t{0})},
          {"events", std::move(events)},
          {"commands", std::move(commands)}};
}

// The interpreter's `__stack_trace` ("at thumbs/resize[3] (call images.resize)", "at approve
// (await signal approval)"): the steps in progress, one per branch or iteration.
json StepsInProgress(const std::string& trace) {
  json steps = json::array();
  std::size_t start = 0;
  while (start < trace.size()) {
    std::size_t end = trace.find('\n', start);
    if (end == std::string::npos) end = trace.size();
    const std::string line = trace.substr(start, end - start);
    start = end + 1;
    const std::size_t open = line.rfind(" (");
    if (!line.starts_with("at ") || open == std::string::npos || !line.ends_with(")")) continue;
    const std::string inside = line.substr(open + 2, line.size() - open - 3);
    const std::size_t space = inside.find(' ');
    json step = {{"step", line.substr(3, open - 3)}, {"kind", inside.substr(0, space)}};
    if (space != std::string::npos) {
      const std::string rest = inside.substr(space + 1);
      if (rest.starts_with("signal ")) {
        step["signal"] = rest.substr(7);
      } else {
        step["activity"] = rest;
      }
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace

const json& RootCause(const json& failure) {
  const json* root = &failure;
  while (root->is_object() && root->contains("cause") && (*root)["cause"].is_object()) {
    root = &(*root)["cause"];
  }
  return *root;
}

std::expected<json, ClientError> DescribeRunStanding(WorkflowClient& client,
                                                     const Execution& execution,
                                                     const RunDescriptionOptions& options) {
  auto described = client.Describe(execution);
  if (!described) return std::unexpected(described.error());
  const json& details = described->details;
  json value = {{"workflow_id", described->execution.workflow_id},
                {"run_id", described->execution.run_id},
                {"workflow", described->workflow},
                {"status", RunStatusName(described->status)},
                {"created_ms", described->created_ms}};
  if (described->closed_ms != 0) value["closed_ms"] = described->closed_ms;
  for (const char* key : {"version", "sha256", "input"}) {
    if (details.contains(key)) value[key] = details[key];
  }
  if (details.contains("result")) value["result"] = details["result"];
  if (details.contains("failure")) value["failure"] = details["failure"];

  const bool queried = described->status == RunStatus::kRunning;
  if (queried) {
    if (options.before_stack_query) options.before_stack_query();
    // The interpreter's own account of where each branch stands, on either engine. Asked
    // before the history is read, so that the history is at least as new: read the other way
    // round, a step the interpreter has passed could still show as running (an await after
    // an activity whose completion the older history did not hold yet).
    auto trace = client.Query(described->execution, "__stack_trace", nullptr);
    if (trace && trace->is_string()) {
      json steps = StepsInProgress(trace->get<std::string>());
      json signals = json::array();
      for (const json& step : steps) {
        if (step.contains("signal")) signals.push_back(step["signal"]);
      }
      value["in_progress"] = std::move(steps);
      value["awaiting_signals"] = std::move(signals);
    } else if (!trace) {
      value["in_progress_unknown"] = trace.error().message;
    }
  }

  // Temporal's Describe() reads only the start and the end of a history: the whole of it only
  // when asked for the operations; and after the query, the history Describe() read is older.
  json activations = details.value("activations", json());
  if ((!activations.is_array() || queried) && options.operations) {
    if (auto read = client.Activations(described->execution)) {
      activations = std::move(*read);
    } else {
      value["history_unknown"] = read.error().message;
    }
  }
  const Operations operations = OperationsOf(activations);

  json activities = json::array();
  json timers = json::array();
  json children = json::array();
  for (const json& waiting : details.value("waiting_on", json::array())) {
    const std::string kind = waiting.value("kind", "");
    const std::int64_t seq = waiting.value("seq", std::int64_t{0});
    auto found = operations.find({kind, seq});
    json entry = {{"seq", seq}};
    if (found != operations.end()) entry["step"] = found->second.step;
    if (kind == "activity") {
      if (found != operations.end()) entry["activity"] = found->second.what;
      entry["attempt"] = waiting.value("attempt", 1);
      if (waiting.value("attempt", 1) > 1)
        entry["next_attempt_ms"] = waiting.value("due_ms", std::int64_t{0});
      if (waiting.contains("last_failure")) entry["last_failure"] = waiting["last_failure"];
      activities.push_back(std::move(entry));
    } else if (kind == "timer") {
      entry["due_ms"] = waiting.value("due_ms", std::int64_t{0});
      timers.push_back(std::move(entry));
    } else if (kind == "child") {
      if (found != operations.end()) entry["workflow"] = found->second.what;
      children.push_back(std::move(entry));
    }
  }
  value["pending_activities"] = std::move(activities);
  value["timers"] = std::move(timers);
  if (!children.empty()) value["children"] = std::move(children);

  if (activations.is_array()) {
    json history = json::array();
    const std::size_t kept = options.history_entries.value_or(activations.size());
    const std::size_t first = activations.size() > kept ? activations.size() - kept : 0;
    for (std::size_t i = first; i < activations.size(); ++i) {
      history.push_back(HistoryEntry(activations[i], operations));
    }
    value["history"] = std::move(history);
    if (first > 0) value["history_omitted"] = first;
    if (options.operations) value["operations"] = OperationList(activations, operations);
  }
  return value;
}

}  // namespace weft::client
