// The loader's `call` steps, their `compensate` and `defaults.call`: an activity (or an inline Lua
// chunk), its arguments, timeouts, retry policy and task queue, with what the step leaves out
// taken from `defaults.call` (dsl/load/steps.h).
#include <string>
#include <vector>

#include "dsl/codes.h"
#include "dsl/load/steps.h"
#include "dsl/spelling.h"

namespace weft::dsl::load {
namespace {

using Kind = SourceNode::Kind;
using expr::Type;

void LoadTimeouts(LoaderContext& loader, const SourceNode* node, Timeouts& timeouts) {
  if (node == nullptr || !loader.ExpectMapping(*node, "`timeouts`")) return;
  loader.CheckKeys(*node, {"start_to_close", "schedule_to_close", "schedule_to_start", "heartbeat"},
                   "`timeouts`");
  if (auto d = loader.DurationOf(node->Find("start_to_close"))) timeouts.start_to_close = d;
  if (auto d = loader.DurationOf(node->Find("schedule_to_close"))) timeouts.schedule_to_close = d;
  if (auto d = loader.DurationOf(node->Find("schedule_to_start"))) timeouts.schedule_to_start = d;
  if (auto d = loader.DurationOf(node->Find("heartbeat"))) timeouts.heartbeat = d;
}

bool LoadRetry(LoaderContext& loader, const SourceNode* node, RetryPolicy& retry) {
  if (node == nullptr || !loader.ExpectMapping(*node, "`retry`")) return false;
  loader.CheckKeys(*node,
                   {"initial_interval", "backoff_coefficient", "maximum_interval",
                    "maximum_attempts", "non_retryable_error_types"},
                   "`retry`");
  if (auto d = loader.DurationOf(node->Find("initial_interval"))) retry.initial_interval = d;
  if (auto d = loader.DurationOf(node->Find("maximum_interval"))) retry.maximum_interval = d;
  if (const SourceNode* backoff = node->Find("backoff_coefficient")) {
    if (backoff->kind != Kind::kInt && backoff->kind != Kind::kDouble) {
      loader.ExpectKind(*backoff, Kind::kDouble, "`backoff_coefficient`");
    } else if (backoff->scalar.get<double>() < 1.0) {
      loader.Error(codes::kInvalidValue, *backoff, "`backoff_coefficient` must be at least 1");
    } else {
      retry.backoff_coefficient = backoff->scalar.get<double>();
    }
  }
  if (auto attempts = loader.Integer(node->Find("maximum_attempts"), "`maximum_attempts`", 0)) {
    retry.maximum_attempts = attempts;
  }
  const SourceNode* types = node->Find("non_retryable_error_types");
  if (types != nullptr &&
      loader.ExpectKind(*types, Kind::kSequence, "`non_retryable_error_types`")) {
    for (const SourceNode& type : types->items) {
      if (auto name = loader.Name(&type, ExternalNamePattern(), "error type",
                                  "error types are names like `CardDeclined`")) {
        retry.non_retryable_error_types.push_back(*name);
      }
    }
    return true;
  }
  return false;
}

ActivityCall LoadActivityCall(LoaderContext& loader, const SourceNode& step,
                              const SourceNode& name_node, const Visible& visible) {
  ActivityCall call;
  call.range = step.range;
  call.path = step.path;
  if (name_node.kind == Kind::kMapping) {
    // `call: {lua: "..."}`: an inline chunk, run as the built-in activity lua.inline so that its
    // result is recorded in history like any activity's.
    loader.CheckKeys(name_node, {"lua"}, "`call`");
    if (auto source =
            loader.String(loader.Required(name_node, "lua", "`call`",
                                          "an inline call is `call: {lua: \"return ...\"}`"),
                          "`lua`")) {
      call.activity = std::string(kInlineLuaActivity);
      call.inline_lua = std::move(*source);
    }
  } else if (auto name = loader.Name(&name_node, ExternalNamePattern(), "activity",
                                     "activity names look like `payments.charge`")) {
    call.activity = *name;
  }
  if (const SourceNode* args = step.Find("args")) call.args = loader.TemplateOf(*args, visible);
  call.timeouts = loader.declarations().call_defaults.timeouts;
  Timeouts own;
  LoadTimeouts(loader, step.Find("timeouts"), own);
  if (own.start_to_close) call.timeouts.start_to_close = own.start_to_close;
  if (own.schedule_to_close) call.timeouts.schedule_to_close = own.schedule_to_close;
  if (own.schedule_to_start) call.timeouts.schedule_to_start = own.schedule_to_start;
  if (own.heartbeat) call.timeouts.heartbeat = own.heartbeat;
  call.retry = loader.declarations().call_defaults.retry;
  RetryPolicy retry;
  const bool has_types = LoadRetry(loader, step.Find("retry"), retry);
  if (retry.initial_interval) call.retry.initial_interval = retry.initial_interval;
  if (retry.backoff_coefficient) call.retry.backoff_coefficient = retry.backoff_coefficient;
  if (retry.maximum_interval) call.retry.maximum_interval = retry.maximum_interval;
  if (retry.maximum_attempts) call.retry.maximum_attempts = retry.maximum_attempts;
  if (has_types) call.retry.non_retryable_error_types = retry.non_retryable_error_types;
  call.task_queue = loader.declarations().call_defaults.task_queue;
  if (const SourceNode* queue = step.Find("task_queue")) {
    if (auto name = loader.Name(queue, ExternalNamePattern(), "task queue", "")) {
      call.task_queue = name;
    }
  }
  // A call routed to another task queue is served by another worker (a Python or Go SDK's,
  // say): its name is that worker's business.
  if (loader.options().known_activities && !call.activity.empty() && !call.task_queue &&
      !loader.options().known_activities->contains(call.activity) &&
      !(loader.options().serves_activity && loader.options().serves_activity(call.activity))) {
    const auto& broken = loader.options().broken_activity_modules;
    const auto module = broken.find(call.activity.substr(0, call.activity.find('.')));
    std::vector<std::string_view> candidates(loader.options().known_activities->begin(),
                                             loader.options().known_activities->end());
    auto suggestion = ClosestSpelling(call.activity, candidates);
    if (module != broken.end()) {
      loader.Error(
          codes::kUnknownActivity, name_node,
          "unknown activity `" + call.activity + "`: its module `" + module->first +
              "` does not load",
          module->second + "; fix the module, and workers serving it pick it up without a restart");
    } else {
      loader.Error(codes::kUnknownActivity, name_node, "unknown activity `" + call.activity + "`",
                   suggestion
                       ? "did you mean `" + *suggestion + "`?"
                       : "`weft activities` lists the registered activities; an activity another "
                         "worker serves needs its `task_queue`");
    }
  }
  if (auto local = loader.Boolean(step.Find("local"), "`local`")) call.local = *local;
  if (!call.timeouts.start_to_close && !call.timeouts.schedule_to_close) {
    loader.Error(codes::kMissingTimeout, name_node,
                 "the call of `" + call.activity +
                     "` has neither a start_to_close nor a "
                     "schedule_to_close timeout",
                 "add `timeouts: {start_to_close: 30s}` to the step, or set it for every call in "
                 "`defaults: {call: {timeouts: {start_to_close: 30s}}}`");
  }
  return call;
}
}  // namespace

CallDefaults LoadCallDefaults(LoaderContext& loader, const SourceNode* node) {
  CallDefaults defaults;
  if (node == nullptr || !loader.ExpectMapping(*node, "`defaults`")) return defaults;
  loader.CheckKeys(*node, {"call"}, "`defaults`");
  const SourceNode* call = node->Find("call");
  if (call == nullptr || !loader.ExpectMapping(*call, "`defaults.call`")) return defaults;
  loader.CheckKeys(*call, {"timeouts", "retry", "task_queue"}, "`defaults.call`");
  LoadTimeouts(loader, call->Find("timeouts"), defaults.timeouts);
  defaults.has_non_retryable = LoadRetry(loader, call->Find("retry"), defaults.retry);
  if (const SourceNode* queue = call->Find("task_queue")) {
    defaults.task_queue = loader.Name(queue, ExternalNamePattern(), "task queue", "");
  }
  return defaults;
}

std::optional<StepBody> LoadCall(LoaderContext& loader, const SourceNode& step,
                                 const SourceNode& value, const Visible& visible) {
  CallStep call;
  call.call = LoadActivityCall(loader, step, value, visible);
  if (const SourceNode* compensate = step.Find("compensate");
      compensate != nullptr && loader.ExpectMapping(*compensate, "`compensate`")) {
    loader.CheckKeys(*compensate, {"call", "args", "timeouts", "retry", "task_queue", "local"},
                     "`compensate`");
    // A compensation runs after this step succeeded: its own result is visible.
    Visible after = visible;
    if (const SourceNode* id = step.Find("id"); id != nullptr && id->is_string()) {
      after.steps[id->string()] = Type::Object({{"result", Type::Dyn()}}, false);
    }
    if (const SourceNode* name = loader.Required(*compensate, "call", "`compensate`")) {
      call.compensate = LoadActivityCall(loader, *compensate, *name, after);
    }
  }
  return call;
}

}  // namespace weft::dsl::load
