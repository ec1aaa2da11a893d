#include "ui/step_states.h"

#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "runtime/client/run_description.h"

namespace weft::ui {
namespace {

using nlohmann::json;

constexpr std::string_view kCompensate = "compensate ";

struct Iterations {
  int done = 0, running = 0, failed = 0;
};

bool IsIteration(std::string_view label) { return label.find('[') != std::string_view::npos; }

// The state of a step from its operations: any still running wins, then a failure.
std::string Merge(const std::string& old_state, const std::string& state) {
  static const std::map<std::string, int> kRank = {
      {"", 0}, {"completed", 1}, {"cancelled", 2}, {"failed", 3}, {"waiting", 4}, {"running", 5}};
  auto rank = [](const std::string& name) {
    auto found = kRank.find(name);
    return found == kRank.end() ? 0 : found->second;
  };
  return rank(state) >= rank(old_state) ? state : old_state;
}

// The state a step was given, "" for none.
std::string StateOf(const json& states, const std::string& step) {
  const auto found = states.find(step);
  return found == states.end() ? "" : found->value("state", "");
}

bool InProgress(const std::string& state) {
  return state == "running" || state == "waiting" || state == "awaiting" || state == "retrying";
}

// Each parallel step's branches: failed when a step in the branch failed, running while one
// runs, done when its last step completed or was skipped, or the run completed. A parallel step
// whose branches still run is running, whatever the steps after it in the graph say.
void CountBranches(const dsl::StepGraph& graph, bool run_completed, json& states) {
  std::map<std::string, std::string> parent_of;
  for (const auto& group : graph.groups) parent_of[group.id] = group.parent;
  auto inside = [&](std::string group, const std::string& branch) {
    while (!group.empty()) {
      if (group == branch) return true;
      group = parent_of[group];
    }
    return false;
  };
  for (const auto& node : graph.nodes) {
    if (node.kind != "parallel") continue;
    int total = 0, done = 0, running = 0, failed = 0;
    for (const auto& branch : graph.groups) {
      if (branch.step != node.step) continue;
      ++total;
      bool any_failed = false, any_running = false;
      std::string last_step;
      for (const auto& inner : graph.nodes) {
        if (inner.step.empty() || !inside(inner.group, branch.id)) continue;
        const std::string state = StateOf(states, inner.step);
        any_failed = any_failed || state == "failed";
        any_running = any_running || InProgress(state);
        if (inner.group == branch.id && inner.id == "s_" + inner.step) last_step = inner.step;
      }
      const std::string last = StateOf(states, last_step);
      if (any_failed) {
        ++failed;
      } else if (any_running) {
        ++running;
      } else if (run_completed || last == "completed" || last == "skipped") {
        ++done;
      }
    }
    if (done + running + failed == 0) continue;
    if (running > 0) states[node.step]["state"] = "running";
    states[node.step]["branches"] = {
        {"done", done}, {"running", running}, {"failed", failed}, {"total", total}};
  }
}

}  // namespace

std::string StepIdOfLabel(std::string_view label) {
  if (label.starts_with(kCompensate)) label.remove_prefix(kCompensate.size());
  if (label.ends_with(" timeout")) label.remove_suffix(std::string_view(" timeout").size());
  if (auto slash = label.rfind('/'); slash != std::string_view::npos) {
    label.remove_prefix(slash + 1);
  }
  if (auto open = label.find('['); open != std::string_view::npos) label = label.substr(0, open);
  return std::string(label);
}

json StepStates(const dsl::StepGraph& graph, const json& description) {
  json states = json::object();
  std::map<std::string, Iterations> iterations;
  auto state_of = [&](const std::string& step) -> json& {
    json& entry = states[step];
    if (!entry.is_object()) entry = json::object();
    return entry;
  };

  for (const json& operation : description.value("operations", json::array())) {
    const std::string label = operation.value("step", "");
    if (label.empty()) continue;
    const std::string step = StepIdOfLabel(label);
    json& entry = state_of(step);
    if (std::string_view(label).starts_with(kCompensate)) {
      entry["state"] = "compensated";
      continue;
    }
    const std::string status = operation.value("status", "");
    const bool timer = operation.value("kind", "") == "timer";
    const std::string state = status == "started"     ? (timer ? "waiting" : "running")
                              : status == "failed"    ? "failed"
                              : status == "cancelled" ? "cancelled"
                                                      : "completed";
    // An await's deadline says nothing of the await: the interpreter's stack does.
    if (timer && label.ends_with(" timeout")) {
      if (entry.empty()) states.erase(step);
      continue;
    }
    if (state == "failed" && operation.contains("failure")) entry["failure"] = operation["failure"];
    if (entry.value("state", "") != "compensated") {
      entry["state"] = Merge(entry.value("state", ""), state);
    }
    if (IsIteration(label)) {
      Iterations& count = iterations[step];
      if (state == "completed") ++count.done;
      if (state == "running" || state == "waiting") ++count.running;
      if (state == "failed") ++count.failed;
    }
  }
  for (const auto& [step, count] : iterations) {
    states[step]["iterations"] = {
        {"done", count.done}, {"running", count.running}, {"failed", count.failed}};
  }

  // Signals the run received, for awaits that leave no command.
  std::set<std::string> signals_received;
  for (const json& entry : description.value("history", json::array())) {
    for (const json& event : entry.value("events", json::array())) {
      const std::string text = event.is_string() ? event.get<std::string>() : "";
      if (text.starts_with("signal ")) signals_received.insert(text.substr(7));
    }
  }

  const std::string status = description.value("status", "");
  const bool open = status == "running" || status == "pending";
  // Where the interpreter says each branch stands now.
  std::set<std::string> in_progress;
  if (open) {
    for (const json& step : description.value("in_progress", json::array())) {
      const std::string id = StepIdOfLabel(step.value("step", ""));
      json& entry = state_of(id);
      in_progress.insert(id);
      const std::string kind = step.value("kind", "");
      if (kind == "await") {
        entry["state"] = "awaiting";
        if (step.contains("signal")) entry["signal"] = step["signal"];
      } else if (kind == "wait") {
        entry["state"] = "waiting";
      } else if (entry.value("state", "") != "waiting") {
        entry["state"] = "running";
      }
    }
    for (const json& activity : description.value("pending_activities", json::array())) {
      const std::string id = StepIdOfLabel(activity.value("step", ""));
      if (id.empty() || activity.value("attempt", 1) <= 1) continue;
      json& entry = state_of(id);
      entry["state"] = "retrying";
      entry["attempt"] = activity["attempt"];
      if (activity.contains("last_failure")) entry["last_failure"] = activity["last_failure"];
    }
    for (const json& timer : description.value("timers", json::array())) {
      const std::string label = timer.value("step", "");
      if (label.empty()) continue;
      state_of(StepIdOfLabel(label))["due_ms"] = timer.value("due_ms", std::int64_t{0});
    }
  }

  if (description.contains("failure")) {
    const json& failure = description["failure"];
    if (failure.contains("step") && failure["step"].is_string()) {
      json& entry = state_of(StepIdOfLabel(failure["step"].get<std::string>()));
      entry["state"] = "failed";
      entry["failure"] = client::RootCause(failure);
    }
    for (const json& compensation : failure.value("compensations", json::array())) {
      if (compensation.is_string()) {
        state_of(StepIdOfLabel(compensation.get<std::string>()))["state"] = "compensated";
      }
    }
  }
  if (!open) {
    // A closed run waits on nothing: what it had started and not seen end was cancelled with
    // it, or, in a run that completed, abandoned on purpose (a first-wins parallel's losers).
    const bool done = status == "completed" || status == "continued_as_new";
    for (auto& [step, entry] : states.items()) {
      if (InProgress(entry.value("state", ""))) {
        entry["state"] = done ? "completed" : "cancelled";
      }
    }
  }

  // Steps that leave no command: passed when a later step on the same path was reached, or the
  // run completed (or continued as new) with them on its only path.
  std::size_t last_reached = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const auto& node = graph.nodes[i];
    if (!node.step.empty() && states.contains(node.step)) last_reached = i;
  }
  const bool completed = status == "completed" || status == "continued_as_new";
  // A guarded step's skip point, and whether the guarded step itself sits on a conditional path.
  std::map<std::string, bool> skip_points;
  for (const auto& node : graph.nodes) {
    if (node.kind == "skip") skip_points[node.id] = node.conditional;
  }
  // With the run's operations known, a guarded step that would have left one and left none was
  // skipped by its `when`.
  const bool operations_known = description.contains("operations");
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const auto& node = graph.nodes[i];
    if (node.step.empty() || node.id != "s_" + node.step) continue;
    json& entry = states[node.step];
    if (entry.is_object() && entry.contains("state")) continue;
    const bool signal_came = !node.signal.empty() && signals_received.contains(node.signal) &&
                             !in_progress.contains(node.step);
    const auto skip = skip_points.find(node.id + "_skip");
    const bool leaves_operation =
        node.kind == "call" || node.kind == "wait" || node.kind == "workflow";
    if (operations_known && leaves_operation && skip != skip_points.end() && !skip->second &&
        (completed || i < last_reached)) {
      entry = {{"state", "skipped"}};
    } else if (signal_came || (!node.conditional && (completed || i < last_reached))) {
      entry = {{"state", "completed"}};
    } else {
      states.erase(node.step);
    }
  }
  CountBranches(graph, completed, states);
  return states;
}

}  // namespace weft::ui
