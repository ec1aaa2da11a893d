#include "runtime/interpreter/workflow_instance.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <exception>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "dsl/expr/time_values.h"
#include "runtime/interpreter/definition_pin.h"
#include "runtime/interpreter/environment.h"
#include "runtime/interpreter/error_value.h"
#include "runtime/interpreter/fiber.h"

namespace weft::interpreter {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

// Frames one activation may advance before the run fails: a `while` over `set` steps with a
// huge max_iterations must not hold an engine thread forever. Deterministic, so replay agrees.
constexpr std::uint64_t kAdvanceBudget = 5'000'000;

Failure ApplicationFailure(std::string type, std::string message, bool non_retryable = true) {
  Failure failure;
  failure.type = std::move(type);
  failure.message = std::move(message);
  failure.non_retryable = non_retryable;
  return failure;
}

Failure CancelledFailure(const std::string& reason) {
  Failure failure;
  failure.kind = Failure::Kind::kCancelled;
  failure.type = std::string(kCancelledError);
  failure.message = reason.empty() ? "the workflow was cancelled" : reason;
  return failure;
}

ActivityTimeouts TimeoutsOf(const dsl::Timeouts& timeouts) {
  return {.start_to_close = timeouts.start_to_close,
          .schedule_to_close = timeouts.schedule_to_close,
          .schedule_to_start = timeouts.schedule_to_start,
          .heartbeat = timeouts.heartbeat};
}

RetryPolicy RetryOf(const dsl::RetryPolicy& retry) {
  return {.initial_interval = retry.initial_interval,
          .backoff_coefficient = retry.backoff_coefficient,
          .maximum_interval = retry.maximum_interval,
          .maximum_attempts = retry.maximum_attempts.value_or(0),
          .non_retryable_error_types = retry.non_retryable_error_types};
}

StartChildWorkflow::ParentClosePolicy PolicyOf(dsl::ChildWorkflowStep::ParentClose policy) {
  switch (policy) {
    case dsl::ChildWorkflowStep::ParentClose::kRequestCancel:
      return StartChildWorkflow::ParentClosePolicy::kRequestCancel;
    case dsl::ChildWorkflowStep::ParentClose::kAbandon:
      return StartChildWorkflow::ParentClosePolicy::kAbandon;
    case dsl::ChildWorkflowStep::ParentClose::kTerminate:
      break;
  }
  return StartChildWorkflow::ParentClosePolicy::kTerminate;
}

// "resize[3]": `step` as it runs in `fiber` (Fiber::label_prefix).
std::string Label(const Fiber& fiber, const dsl::Step& step) {
  return fiber.label_prefix + step.id + fiber.label_suffix;
}

// "[a b]": the names of `handlers` after `builtin`, as the Go SDK lists known queries and
// updates in its errors; the Temporal UI reads the query names back from between the brackets.
template <class Handler>
std::string KnownNames(std::vector<std::string> builtin, const std::vector<Handler>& handlers) {
  for (const Handler& handler : handlers) builtin.push_back(handler.name);
  std::string names;
  for (const std::string& name : builtin) names += (names.empty() ? "" : " ") + name;
  return "[" + names + "]";
}

// The signals some `await` waits for: only those are kept until consumed.
void CollectAwaitedSignals(const dsl::Block& block, std::set<std::string>& names) {
  for (const dsl::Step& step : block) {
    std::visit(Overloaded{
                   [&](const dsl::AwaitStep& s) {
                     if (s.signal) names.insert(*s.signal);
                   },
                   [&](const dsl::SwitchStep& s) {
                     for (const auto& c : s.cases) CollectAwaitedSignals(c.steps, names);
                     CollectAwaitedSignals(s.default_steps, names);
                   },
                   [&](const dsl::ParallelStep& s) {
                     for (const auto& b : s.branches) CollectAwaitedSignals(b.steps, names);
                   },
                   [&](const dsl::ForeachStep& s) { CollectAwaitedSignals(s.steps, names); },
                   [&](const dsl::WhileStep& s) { CollectAwaitedSignals(s.steps, names); },
                   [&](const dsl::TryStep& s) {
                     CollectAwaitedSignals(s.steps, names);
                     for (const auto& c : s.catches) CollectAwaitedSignals(c.steps, names);
                     CollectAwaitedSignals(s.finally_steps, names);
                   },
                   [](const auto&) {},
               },
               step.body);
  }
}

// A computed `wait` length: a duration string ("1h30m", Go's syntax) or a number of seconds.
std::expected<Milliseconds, std::string> DurationOfValue(const nlohmann::json& value) {
  if (value.is_number()) {
    const double seconds = value.get<double>();
    if (!std::isfinite(seconds)) return std::unexpected("the duration is not a finite number");
    return Milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000)));
  }
  if (value.is_string()) {
    if (auto parsed = dsl::expr::ParseDuration(value.get<std::string>())) {
      return Milliseconds((parsed->nanos + 999'999) / 1'000'000);
    }
    return std::unexpected("`" + value.get<std::string>() + "` is not a duration");
  }
  return std::unexpected(std::string("a duration must be a string or a number, not ") +
                         value.type_name());
}

}  // namespace

struct WorkflowInstance::State {
  explicit State(std::shared_ptr<const dsl::Definition> d)
      : definition(std::move(d)), env(definition->file, definition->source_map) {
    CollectAwaitedSignals(definition->steps, awaited_signals);
  }

  std::vector<Command> Activate(const Activation& activation);

  // Jobs.
  void Start(const StartWorkflow& start);
  template <class WaitingFrame>
  WaitingFrame* Waiter(std::map<std::uint32_t, std::uint32_t>& waiters, std::uint32_t seq,
                       bool done);
  void Resolve(const ResolveActivity& job);
  void Resolve(const FireTimer& job);
  void Resolve(const ResolveChildWorkflowStart& job);
  void Resolve(const ResolveChildWorkflow& job);
  void Deliver(const SignalWorkflow& signal);
  void Deliver(const DoUpdate& update);
  void Deliver(const CancelWorkflow& cancel);
  RespondToQuery Answer(const QueryWorkflow& query);
  std::string StackTrace() const;
  nlohmann::json Metadata() const;

  // Running fibers.
  void RunUntilBlocked();
  void RunFiber(Fiber& fiber);
  void Advance(Fiber& fiber);
  void AdvanceRoot(Fiber& fiber, RootFrame& frame);
  void AdvanceBlock(Fiber& fiber, BlockFrame& frame);
  void AdvanceCall(Fiber& fiber, CallFrame& frame);
  void AdvanceTimer(Fiber& fiber, TimerFrame& frame);
  void AdvanceAwait(Fiber& fiber, AwaitFrame& frame);
  void AdvanceChild(Fiber& fiber, ChildFrame& frame);
  void AdvanceTry(Fiber& fiber, TryFrame& frame);
  void AdvanceParallel(Fiber& fiber, ParallelFrame& frame);
  void AdvanceForeach(Fiber& fiber, ForeachFrame& frame);
  void AdvanceIteration(Fiber& fiber, IterationFrame& frame);
  void AdvanceWhile(Fiber& fiber, WhileFrame& frame);
  void AdvanceCompensation(Fiber& fiber, CompensationFrame& frame);

  void StartStep(Fiber& fiber, const dsl::Step& step);
  void StartWait(Fiber& fiber, const dsl::Step& step, const dsl::WaitStep& wait);
  void FinishStep(Fiber& fiber, const dsl::Step& step, const nlohmann::json& value);
  void Push(Fiber& fiber, Frame frame) { fiber.frames.push_back(std::move(frame)); }
  void PushBlock(Fiber& fiber, const dsl::Block& block) { Push(fiber, BlockFrame{&block}); }
  static void PopWith(Fiber& fiber, Outcome outcome) {
    fiber.frames.pop_back();
    fiber.incoming = std::move(outcome);
  }
  Outcome TakeIncoming(Fiber& fiber) {
    Outcome outcome = std::move(*fiber.incoming);
    fiber.incoming.reset();
    return outcome;
  }
  std::expected<const dsl::CatchClause*, Failure> MatchCatch(Fiber& fiber, const dsl::TryStep& body,
                                                             const Outcome& error);
  bool CanProceed(Fiber& fiber);

  // Fibers.
  Fiber& Spawn(Fiber& parent, std::size_t slot, nlohmann::json locals);
  void ChildDone(std::uint32_t parent_id, std::size_t slot, Outcome outcome);
  void Discard(std::uint32_t fiber_id);
  void CancelPending(Frame& frame);
  void Interrupt(Fiber& fiber, Outcome outcome);
  static bool Interruptible(const Fiber& root);

  // Closing.
  void Close(Command command);
  void CloseWithFailure(const Outcome& outcome);
  void FailRun(Failure failure);

  std::shared_ptr<const dsl::Definition> definition;
  Environment env;
  std::set<std::string> awaited_signals;
  std::map<std::string, std::deque<nlohmann::json>> signal_queue;

  bool started = false;
  bool finished = false;
  bool cancel_requested = false;
  // An error the root fiber receives where it stands: a cancellation request, or a failed
  // signal handler. Held while compensations run, which must not be cut short.
  std::optional<Outcome> pending_interrupt;
  bool continue_as_new_suggested = false;
  std::optional<std::int64_t> resume_iteration;  // for the `while` a resumed run starts in
  std::optional<Command> close;
  std::vector<Command> commands;
  std::uint64_t budget = 0;

  std::map<std::uint32_t, Fiber> fibers;  // by id: creation order is run order
  std::uint32_t next_fiber = 0;
  std::vector<Compensation> compensations;     // registered, oldest first
  std::vector<std::string> compensations_run;  // their labels, as they started

  std::uint32_t activity_seq = 0;
  std::uint32_t timer_seq = 0;
  std::uint32_t child_seq = 0;
  // Who waits for each outstanding operation, by seq.
  std::map<std::uint32_t, std::uint32_t> activities;
  std::map<std::uint32_t, std::uint32_t> timers;
  std::map<std::uint32_t, std::uint32_t> children;
};

// ---------------------------------------------------------------------------------------------
// Activation

std::vector<Command> WorkflowInstance::State::Activate(const Activation& activation) {
  commands.clear();
  env.set_now_unix_ms(activation.now_unix_ms);
  continue_as_new_suggested = activation.continue_as_new_suggested;
  budget = 0;
  std::vector<const QueryWorkflow*> queries;
  for (const Job& job : activation.jobs) {
    if (const auto* query = std::get_if<QueryWorkflow>(&job)) {
      queries.push_back(query);
      continue;
    }
    if (finished) continue;
    if (const auto* start = std::get_if<StartWorkflow>(&job)) {
      if (!started) Start(*start);
      continue;
    }
    if (!started) continue;  // nothing can be resolved before the run starts
    std::visit(Overloaded{
                   [this](const ResolveActivity& j) { Resolve(j); },
                   [this](const FireTimer& j) { Resolve(j); },
                   [this](const ResolveChildWorkflowStart& j) { Resolve(j); },
                   [this](const ResolveChildWorkflow& j) { Resolve(j); },
                   [this](const SignalWorkflow& j) { Deliver(j); },
                   [this](const DoUpdate& j) { Deliver(j); },
                   [this](const CancelWorkflow& j) { Deliver(j); },
                   // The pin is read by the engine before the run is built; the interpreter has
                   // no step that signals another workflow yet.
                   [](const auto&) {},
               },
               job);
  }
  if (started && !finished) RunUntilBlocked();
  for (const QueryWorkflow* query : queries) commands.push_back(Answer(*query));
  if (close) {
    commands.push_back(std::move(*close));
    close.reset();
  }
  return std::move(commands);
}

namespace {

// The run's start as the expression language's timestamp text; null beyond the nanoseconds
// an int64 holds (before 1677 or after 2262), which a history from another server, damaged
// or forged, may carry: now() fails there the same way.
nlohmann::json StartTime(std::int64_t unix_ms) {
  std::int64_t nanos = 0;
  if (__builtin_mul_overflow(unix_ms, std::int64_t{1'000'000}, &nanos)) return nullptr;
  return dsl::expr::FormatTimestamp({.nanos = nanos});
}

}  // namespace

void WorkflowInstance::State::Start(const StartWorkflow& start) {
  started = true;
  const dsl::Definition& d = *definition;
  env.Seed(start.random_seed);
  env.input() = start.input;
  env.workflow() = {
      {"id", start.workflow_id},
      {"run_id", start.run_id},
      {"name", d.name},
      {"version", d.version},
      {"sha256", d.sha256},
      {"attempt", start.attempt},
      {"start_time", StartTime(env.now_unix_ms())},
      {"task_queue", start.task_queue},
  };
  commands.push_back(RecordMarker{std::string(kDefinitionMarker), DefinitionPin(d)});

  nlohmann::json& vars = env.vars();
  for (const std::string& name : d.variables) vars[name] = nullptr;
  nlohmann::json no_locals = nlohmann::json::object();
  for (const dsl::Assignment& assignment : d.vars) {
    auto value = env.Evaluate(assignment.value, no_locals);
    if (!value) return FailRun(std::move(value.error()));
    vars[assignment.variable] = std::move(*value);
  }

  Fiber& root = fibers[next_fiber];
  root.id = next_fiber++;
  root.lineage = {root.id};
  root.frames.push_back(RootFrame{});

  if (!start.resume.is_null()) {
    // A run a `while` loop continued as new: its variables and visible step results, then the
    // loop itself, at the iteration it had reached.
    const nlohmann::json& resume = start.resume;
    if (!resume.is_object() || !resume.contains("step") || !resume["step"].is_number_unsigned() ||
        resume["step"].get<std::size_t>() >= d.steps.size()) {
      return FailRun(ApplicationFailure("InvalidResumeState",
                                        "the run was continued as new with a resume state "
                                        "this definition cannot use: " +
                                            resume.dump()));
    }
    if (resume.contains("vars") && resume["vars"].is_object()) {
      for (const auto& [name, value] : resume["vars"].items()) vars[name] = value;
    }
    if (resume.contains("steps") && resume["steps"].is_object()) env.steps() = resume["steps"];
    resume_iteration = resume.value("iteration", std::int64_t{0});
    std::get<RootFrame>(root.frames.back()).phase = RootFrame::Phase::kBody;
    root.frames.push_back(BlockFrame{&d.steps, resume["step"].get<std::size_t>()});
  }

  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [name, value] : d.search_attributes) {
    auto evaluated = env.Evaluate(value, no_locals);
    if (!evaluated) return FailRun(std::move(evaluated.error()));
    attributes[name] = std::move(*evaluated);
  }
  if (!attributes.empty()) commands.push_back(UpsertSearchAttributes{std::move(attributes)});
  nlohmann::json memo = nlohmann::json::object();
  for (const auto& [name, value] : d.memo) {
    auto evaluated = env.Evaluate(value, no_locals);
    if (!evaluated) return FailRun(std::move(evaluated.error()));
    memo[name] = std::move(*evaluated);
  }
  if (!memo.empty()) commands.push_back(UpsertMemo{std::move(memo)});
}

// The fiber that waits for operation `seq` of `waiters` (activities, timers, children) and its
// top frame, when that frame is the one waiting; null when the fiber was cancelled meanwhile.
// `done`: the operation is over, so the seq is forgotten.
template <class WaitingFrame>
WaitingFrame* WorkflowInstance::State::Waiter(std::map<std::uint32_t, std::uint32_t>& waiters,
                                              std::uint32_t seq, bool done) {
  auto waiter = waiters.find(seq);
  if (waiter == waiters.end()) return nullptr;
  Fiber& fiber = fibers.at(waiter->second);
  if (done) waiters.erase(waiter);
  auto* frame = std::get_if<WaitingFrame>(&fiber.frames.back());
  if (frame != nullptr) fiber.blocked = false;
  return frame;
}

void WorkflowInstance::State::Resolve(const ResolveActivity& job) {
  if (auto* call = Waiter<CallFrame>(activities, job.seq, true); call && call->seq == job.seq) {
    call->resolution = job.resolution;
  }
}

void WorkflowInstance::State::Resolve(const FireTimer& job) {
  if (auto* timer = Waiter<TimerFrame>(timers, job.seq, false); timer && timer->seq == job.seq) {
    timer->fired = true;
  } else if (auto* await = Waiter<AwaitFrame>(timers, job.seq, false);
             await && await->timer == job.seq) {
    await->timed_out = true;
    await->timer.reset();
  }
  timers.erase(job.seq);
}

void WorkflowInstance::State::Resolve(const ResolveChildWorkflowStart& job) {
  if (auto* child = Waiter<ChildFrame>(children, job.seq, false); child && child->seq == job.seq) {
    child->start = job;
  }
}

void WorkflowInstance::State::Resolve(const ResolveChildWorkflow& job) {
  if (auto* child = Waiter<ChildFrame>(children, job.seq, true); child && child->seq == job.seq) {
    child->result = job;
  }
}

void WorkflowInstance::State::Deliver(const SignalWorkflow& signal) {
  const dsl::Definition& d = *definition;
  auto handler = std::ranges::find(d.signals, signal.name, &dsl::SignalHandler::name);
  if (handler == d.signals.end()) return;  // undeclared: as an SDK without a handler, dropped
  nlohmann::json locals = {{"signal", signal.payload}};
  for (const dsl::Assignment& assignment : handler->assignments) {
    auto value = env.Evaluate(assignment.value, locals);
    if (!value) {
      // A handler cannot fail on its own; the run fails where it stands, so try/catch and
      // on_failure still apply.
      if (!pending_interrupt) {
        pending_interrupt =
            Outcome::Error(std::move(value.error()), "handlers.signals." + signal.name);
      }
      return;
    }
    env.vars()[assignment.variable] = std::move(*value);
  }
  if (awaited_signals.contains(signal.name)) signal_queue[signal.name].push_back(signal.payload);
}

void WorkflowInstance::State::Deliver(const DoUpdate& update) {
  const dsl::Definition& d = *definition;
  auto handler = std::ranges::find(d.updates, update.name, &dsl::UpdateHandler::name);
  if (handler == d.updates.end()) {
    commands.push_back(RejectUpdate{
        update.id,
        ApplicationFailure("UnknownUpdate", "unknown update " + update.name +
                                                ". KnownUpdates=" + KnownNames({}, d.updates))});
    return;
  }
  nlohmann::json locals = {{"update", update.payload}};
  if (update.run_validator && handler->validate) {
    auto valid = env.Holds(*handler->validate, locals);
    if (!valid) return commands.push_back(RejectUpdate{update.id, std::move(valid.error())});
    if (!*valid) {
      return commands.push_back(RejectUpdate{
          update.id, ApplicationFailure("UpdateRejected", "the update `" + update.name +
                                                              "` was rejected by its validator")});
    }
  }
  commands.push_back(AcceptUpdate{update.id});
  for (const dsl::Assignment& assignment : handler->assignments) {
    auto value = env.Evaluate(assignment.value, locals);
    if (!value) {
      return commands.push_back(CompleteUpdate{update.id, std::nullopt, std::move(value.error())});
    }
    env.vars()[assignment.variable] = std::move(*value);
  }
  auto result = env.Evaluate(handler->result, locals);
  if (!result) {
    return commands.push_back(CompleteUpdate{update.id, std::nullopt, std::move(result.error())});
  }
  commands.push_back(CompleteUpdate{update.id, std::move(*result), std::nullopt});
}

void WorkflowInstance::State::Deliver(const CancelWorkflow& cancel) {
  if (cancel_requested) return;
  cancel_requested = true;
  pending_interrupt = Outcome::Error(CancelledFailure(cancel.reason));
}

RespondToQuery WorkflowInstance::State::Answer(const QueryWorkflow& query) {
  if (query.name == kStackTraceQuery) return {query.id, StackTrace(), std::nullopt};
  if (query.name == kMetadataQuery) return {query.id, Metadata(), std::nullopt};
  const dsl::Definition& d = *definition;
  auto handler = std::ranges::find(d.queries, query.name, &dsl::QueryHandler::name);
  if (handler == d.queries.end()) {
    return {query.id, std::nullopt,
            ApplicationFailure(
                "QueryNotFound",
                "unknown queryType " + query.name + ". KnownQueryTypes=" +
                    KnownNames({std::string(kStackTraceQuery), std::string(kMetadataQuery)},
                               d.queries))};
  }
  nlohmann::json locals = {{"query", query.payload}};
  auto value = env.Evaluate(handler->value, locals);
  if (!value) return {query.id, std::nullopt, std::move(value.error())};
  return {query.id, std::move(*value), std::nullopt};
}

std::string WorkflowInstance::State::StackTrace() const {
  // One stack per fiber, innermost step first, stacks apart by a blank line as the SDKs write
  // theirs: the Temporal UI shows it as the run's call stack.
  std::string trace;
  for (const auto& [id, fiber] : fibers) {
    std::string stack;
    for (auto frame = fiber.frames.rbegin(); frame != fiber.frames.rend(); ++frame) {
      const auto* block = std::get_if<BlockFrame>(&*frame);
      if (block == nullptr || block->next >= block->block->size()) continue;
      const dsl::Step& step = (*block->block)[block->next];
      stack += "at " + Label(fiber, step) + " (" + dsl::StepKindName(step.kind());
      if (const auto* call = std::get_if<dsl::CallStep>(&step.body)) {
        stack += " " + call->call.activity;
      } else if (const auto* await = std::get_if<dsl::AwaitStep>(&step.body);
                 await != nullptr && await->signal) {
        // What a person must send to move it on (describe_run lists it).
        stack += " signal " + *await->signal;
      }
      stack += ")\n";
    }
    if (stack.empty()) continue;
    trace += (trace.empty() ? "" : "\n") + stack;
  }
  return trace.empty() ? "(finished)" : trace;
}

nlohmann::json WorkflowInstance::State::Metadata() const {
  // temporal.api.sdk.v1.WorkflowMetadata in its proto3 JSON form, which the Temporal UI reads
  // to list the run's queries, signals and updates and to show its details.
  const dsl::Definition& d = *definition;
  auto interactions = [](const auto& handlers) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& handler : handlers) {
      nlohmann::json entry = {{"name", handler.name}};
      if (!handler.description.empty()) entry["description"] = handler.description;
      list.push_back(std::move(entry));
    }
    return list;
  };
  nlohmann::json queries = interactions(d.queries);
  queries.push_back({{"name", kStackTraceQuery},
                     {"description", "Where each branch of the run stands, by step id"}});
  queries.push_back(
      {{"name", kMetadataQuery}, {"description", "The workflow's queries, signals and updates"}});
  std::sort(queries.begin(), queries.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["name"].get<std::string>() < b["name"].get<std::string>();
  });
  return {{"definition",
           {{"type", d.name},
            {"queryDefinitions", std::move(queries)},
            {"signalDefinitions", interactions(d.signals)},
            {"updateDefinitions", interactions(d.updates)}}},
          {"currentDetails", RunDetails(d)}};
}

// ---------------------------------------------------------------------------------------------
// Running

bool WorkflowInstance::State::CanProceed(Fiber& fiber) {
  if (!fiber.blocked) return true;
  auto* await = std::get_if<AwaitFrame>(&fiber.frames.back());
  if (await == nullptr) return false;
  if (await->timed_out) return true;
  if (await->await->signal) {
    auto queue = signal_queue.find(*await->await->signal);
    return queue != signal_queue.end() && !queue->second.empty();
  }
  auto holds = env.Holds(*await->await->condition, fiber.locals);
  return !holds || *holds;  // an error surfaces when the frame advances
}

void WorkflowInstance::State::RunUntilBlocked() {
  bool progress = true;
  while (progress && !finished) {
    progress = false;
    if (pending_interrupt && !fibers.empty() && Interruptible(fibers.begin()->second)) {
      Interrupt(fibers.begin()->second, std::move(*pending_interrupt));
      pending_interrupt.reset();
    }
    std::vector<std::uint32_t> ids;
    ids.reserve(fibers.size());
    for (const auto& [id, fiber] : fibers) ids.push_back(id);
    for (std::uint32_t id : ids) {
      if (finished) break;
      auto it = fibers.find(id);
      if (it == fibers.end() || !CanProceed(it->second)) continue;
      it->second.blocked = false;
      RunFiber(it->second);
      progress = true;
    }
  }
}

void WorkflowInstance::State::RunFiber(Fiber& fiber) {
  while (!finished && !fiber.blocked && !fiber.frames.empty()) {
    if (++budget > kAdvanceBudget) {
      return FailRun(ApplicationFailure(
          "StepBudgetExceeded", "one activation ran more than " + std::to_string(kAdvanceBudget) +
                                    " steps without waiting for anything; is a loop unbounded?"));
    }
    Advance(fiber);
  }
  if (finished || !fiber.frames.empty()) return;
  // The fiber's bottom frame finished: its parent's frame takes the outcome.
  const std::uint32_t id = fiber.id;
  const std::optional<std::uint32_t> parent = fiber.parent;
  const std::size_t slot = fiber.slot;
  Outcome outcome = fiber.incoming ? std::move(*fiber.incoming) : Outcome::Value(nullptr);
  fibers.erase(id);
  if (parent) ChildDone(*parent, slot, std::move(outcome));
}

void WorkflowInstance::State::Advance(Fiber& fiber) {
  std::visit(Overloaded{
                 [&](RootFrame& f) { AdvanceRoot(fiber, f); },
                 [&](BlockFrame& f) { AdvanceBlock(fiber, f); },
                 [&](CallFrame& f) { AdvanceCall(fiber, f); },
                 [&](TimerFrame& f) { AdvanceTimer(fiber, f); },
                 [&](AwaitFrame& f) { AdvanceAwait(fiber, f); },
                 [&](ChildFrame& f) { AdvanceChild(fiber, f); },
                 [&](TryFrame& f) { AdvanceTry(fiber, f); },
                 [&](ParallelFrame& f) { AdvanceParallel(fiber, f); },
                 [&](ForeachFrame& f) { AdvanceForeach(fiber, f); },
                 [&](IterationFrame& f) { AdvanceIteration(fiber, f); },
                 [&](WhileFrame& f) { AdvanceWhile(fiber, f); },
                 [&](CompensationFrame& f) { AdvanceCompensation(fiber, f); },
             },
             fiber.frames.back());
}

void WorkflowInstance::State::AdvanceRoot(Fiber& fiber, RootFrame& frame) {
  switch (frame.phase) {
    case RootFrame::Phase::kStart:
      frame.phase = RootFrame::Phase::kBody;
      return PushBlock(fiber, definition->steps);
    case RootFrame::Phase::kBody: {
      Outcome outcome = TakeIncoming(fiber);
      switch (outcome.kind) {
        case Outcome::Kind::kValue: {
          auto output = env.Evaluate(definition->output, fiber.locals);
          if (output) return Close(CompleteWorkflow{std::move(*output)});
          outcome = Outcome::Error(std::move(output.error()), "output");
          break;
        }
        case Outcome::Kind::kReturn:
          return Close(CompleteWorkflow{std::move(outcome.value)});
        case Outcome::Kind::kContinueAsNew:
          return Close(
              ContinueAsNew{std::move(outcome.value), std::nullopt, std::move(outcome.resume)});
        case Outcome::Kind::kError:
          break;
      }
      if (definition->on_failure == dsl::Definition::OnFailure::kCompensate &&
          !compensations.empty()) {
        frame.phase = RootFrame::Phase::kCompensating;
        frame.failed = std::move(outcome);
        CompensationFrame run{std::move(compensations)};
        compensations.clear();
        std::ranges::reverse(run.entries);
        return Push(fiber, std::move(run));
      }
      return CloseWithFailure(outcome);
    }
    case RootFrame::Phase::kCompensating:
      fiber.incoming.reset();
      return CloseWithFailure(*frame.failed);
  }
}

void WorkflowInstance::State::AdvanceBlock(Fiber& fiber, BlockFrame& frame) {
  if (fiber.incoming) {
    Outcome outcome = TakeIncoming(fiber);
    if (frame.next >= frame.block->size()) return PopWith(fiber, std::move(outcome));
    const dsl::Step& step = (*frame.block)[frame.next];
    if (outcome.kind == Outcome::Kind::kValue) {
      FinishStep(fiber, step, outcome.value);
      frame.last = std::move(outcome.value);
      ++frame.next;
      return;
    }
    if (outcome.kind == Outcome::Kind::kError && outcome.step.empty()) outcome.step = step.id;
    // The innermost block sees the error first: its step, with the iteration it ran in.
    if (outcome.kind == Outcome::Kind::kError && outcome.step_label.empty()) {
      outcome.step_label = Label(fiber, step);
    }
    return PopWith(fiber, std::move(outcome));
  }
  if (frame.next >= frame.block->size()) return PopWith(fiber, Outcome::Value(frame.last));
  StartStep(fiber, (*frame.block)[frame.next]);
}

void WorkflowInstance::State::FinishStep(Fiber& fiber, const dsl::Step& step,
                                         const nlohmann::json& value) {
  // The root fiber's step results are shared by everything after them; a branch's or an
  // iteration's are its own (siblings must not see them, and iterations may run at once).
  nlohmann::json result = {{"result", value}};
  if (fiber.parent) {
    fiber.locals["steps"][step.id] = std::move(result);
  } else {
    env.steps()[step.id] = std::move(result);
  }
  if (step.result) env.vars()[*step.result] = value;
}

void WorkflowInstance::State::StartStep(Fiber& fiber, const dsl::Step& step) {
  if (step.when) {
    auto holds = env.Holds(*step.when, fiber.locals);
    if (!holds) {
      fiber.incoming = Outcome::Error(std::move(holds.error()), step.id);
      return;
    }
    if (!*holds) {
      fiber.incoming = Outcome::Value(nullptr);
      return;
    }
  }
  std::visit(
      Overloaded{
          [&](const dsl::CallStep& s) {
            Push(fiber, CallFrame{.call = &s.call, .step = &step, .label = Label(fiber, step)});
          },
          [&](const dsl::SetStep& s) {
            for (const dsl::Assignment& assignment : s.assignments) {
              auto value = env.Evaluate(assignment.value, fiber.locals);
              if (!value) {
                fiber.incoming = Outcome::Error(std::move(value.error()), step.id);
                return;
              }
              env.vars()[assignment.variable] = std::move(*value);
            }
            fiber.incoming = Outcome::Value(nullptr);
          },
          [&](const dsl::SwitchStep& s) {
            for (const dsl::SwitchCase& c : s.cases) {
              auto holds = env.Holds(c.when, fiber.locals);
              if (!holds) {
                fiber.incoming = Outcome::Error(std::move(holds.error()), step.id);
                return;
              }
              if (*holds) return PushBlock(fiber, c.steps);
            }
            if (!s.default_steps.empty()) return PushBlock(fiber, s.default_steps);
            fiber.incoming = Outcome::Value(nullptr);
          },
          [&](const dsl::ParallelStep& s) { Push(fiber, ParallelFrame{&s}); },
          [&](const dsl::ForeachStep& s) { Push(fiber, ForeachFrame{&s}); },
          [&](const dsl::WhileStep& s) {
            WhileFrame loop{&s};
            if (resume_iteration) {
              loop.iteration = *resume_iteration;
              resume_iteration.reset();
            }
            Push(fiber, loop);
          },
          [&](const dsl::WaitStep& s) { StartWait(fiber, step, s); },
          [&](const dsl::AwaitStep& s) {
            Push(fiber, AwaitFrame{.await = &s, .label = Label(fiber, step)});
          },
          [&](const dsl::ChildWorkflowStep&) { Push(fiber, ChildFrame{&step}); },
          [&](const dsl::TryStep& s) { Push(fiber, TryFrame{&s}); },
          [&](const dsl::FailStep& s) {
            Failure failure;
            failure.type = s.type;
            failure.non_retryable = !s.retryable;
            auto message = env.Evaluate(s.message, fiber.locals);
            if (!message) {
              fiber.incoming = Outcome::Error(std::move(message.error()), step.id);
              return;
            }
            failure.message = message->is_string() ? message->get<std::string>()
                              : message->is_null() ? s.type
                                                   : message->dump();
            auto details = env.Evaluate(s.details, fiber.locals);
            if (!details) {
              fiber.incoming = Outcome::Error(std::move(details.error()), step.id);
              return;
            }
            failure.details = std::move(*details);
            fiber.incoming = Outcome::Error(std::move(failure), step.id);
          },
          [&](const dsl::ReturnStep& s) {
            const bool again = s.continue_as_new_input.has_value();
            auto value = env.Evaluate(again ? *s.continue_as_new_input : s.output, fiber.locals);
            if (!value) {
              fiber.incoming = Outcome::Error(std::move(value.error()), step.id);
              return;
            }
            Outcome outcome;
            outcome.kind = again ? Outcome::Kind::kContinueAsNew : Outcome::Kind::kReturn;
            outcome.value = std::move(*value);
            fiber.incoming = std::move(outcome);
          },
      },
      step.body);
}

void WorkflowInstance::State::StartWait(Fiber& fiber, const dsl::Step& step,
                                        const dsl::WaitStep& wait) {
  Milliseconds duration{0};
  if (wait.duration) {
    duration = *wait.duration;
  } else if (wait.duration_expression) {
    auto value = env.Evaluate(*wait.duration_expression, fiber.locals);
    if (!value) {
      fiber.incoming = Outcome::Error(std::move(value.error()), step.id);
      return;
    }
    auto parsed = DurationOfValue(*value);
    if (!parsed) {
      fiber.incoming =
          Outcome::Error(ApplicationFailure(std::string(kExpressionError),
                                            "wait `" + step.id + "`: " + parsed.error()),
                         step.id);
      return;
    }
    duration = *parsed;
  } else if (wait.until) {
    auto value = env.Evaluate(*wait.until, fiber.locals);
    if (!value) {
      fiber.incoming = Outcome::Error(std::move(value.error()), step.id);
      return;
    }
    auto until =
        value->is_string() ? dsl::expr::ParseTimestamp(value->get<std::string>()) : std::nullopt;
    if (!until) {
      fiber.incoming =
          Outcome::Error(ApplicationFailure(std::string(kExpressionError),
                                            "wait `" + step.id + "`: `until` gave " +
                                                value->dump() + ", not an RFC 3339 timestamp"),
                         step.id);
      return;
    }
    // Rounded up, so the timer never fires before the moment asked for.
    const std::int64_t until_ms = (until->nanos + 999'999) / 1'000'000;
    duration = Milliseconds(until_ms - env.now_unix_ms());
  }
  if (duration <= Milliseconds(0)) {
    fiber.incoming = Outcome::Value(nullptr);
    return;
  }
  Push(fiber, TimerFrame{.duration = duration, .label = Label(fiber, step)});
}

void WorkflowInstance::State::AdvanceCall(Fiber& fiber, CallFrame& frame) {
  if (!frame.scheduled) {
    const dsl::ActivityCall& call = *frame.call;
    nlohmann::json& locals = frame.locals ? *frame.locals : fiber.locals;
    auto args = env.Evaluate(call.args, locals);
    if (!args) return PopWith(fiber, Outcome::Error(std::move(args.error())));
    frame.seq = ++activity_seq;
    frame.scheduled = true;
    ScheduleActivity command{
        .seq = frame.seq,
        .activity_id = std::to_string(frame.seq),
        .activity_type = call.activity,
        .input = std::move(*args),
        .task_queue = call.task_queue,
        .timeouts = TimeoutsOf(call.timeouts),
        .retry = RetryOf(call.retry),
        .step_path = call.path,
        .step_label = frame.label,
        .local = call.local,
    };
    if (call.inline_lua) {
      command.input = {{"source", *call.inline_lua}, {"input", std::move(command.input)}};
    }
    commands.push_back(std::move(command));
    activities[frame.seq] = fiber.id;
    fiber.blocked = true;
    return;
  }
  if (!frame.resolution) {
    fiber.blocked = true;
    return;
  }
  ActivityResolution resolution = std::move(*frame.resolution);
  if (resolution.status != ActivityResolution::Status::kCompleted) {
    return PopWith(fiber, Outcome::Error(std::move(resolution.failure)));
  }
  if (frame.step != nullptr) {
    const auto& call_step = std::get<dsl::CallStep>(frame.step->body);
    if (call_step.compensate) {
      Compensation compensation{.call = &*call_step.compensate,
                                .label = "compensate " + frame.label,
                                .locals = fiber.locals,
                                .lineage = fiber.lineage};
      compensation.locals["steps"][frame.step->id] = {{"result", resolution.result}};
      compensations.push_back(std::move(compensation));
    }
  }
  PopWith(fiber, Outcome::Value(std::move(resolution.result)));
}

void WorkflowInstance::State::AdvanceTimer(Fiber& fiber, TimerFrame& frame) {
  if (!frame.started) {
    frame.started = true;
    frame.seq = ++timer_seq;
    commands.push_back(StartTimer{frame.seq, frame.duration, frame.label});
    timers[frame.seq] = fiber.id;
  }
  if (!frame.fired) {
    fiber.blocked = true;
    return;
  }
  PopWith(fiber, Outcome::Value(nullptr));
}

void WorkflowInstance::State::AdvanceAwait(Fiber& fiber, AwaitFrame& frame) {
  const dsl::AwaitStep& await = *frame.await;
  if (!frame.started) {
    frame.started = true;
    if (await.timeout) {
      frame.timer = ++timer_seq;
      commands.push_back(StartTimer{*frame.timer, *await.timeout, frame.label + " timeout"});
      timers[*frame.timer] = fiber.id;
    }
  }
  std::optional<Outcome> outcome;
  if (await.signal) {
    auto queue = signal_queue.find(*await.signal);
    if (queue != signal_queue.end() && !queue->second.empty()) {
      outcome = Outcome::Value(std::move(queue->second.front()));
      queue->second.pop_front();
    }
  } else {
    auto holds = env.Holds(*await.condition, fiber.locals);
    if (!holds) {
      outcome = Outcome::Error(std::move(holds.error()));
    } else if (*holds) {
      outcome = Outcome::Value(true);
    }
  }
  if (!outcome && frame.timed_out) {
    Failure failure = ApplicationFailure(
        std::string(kTimeoutError), (await.signal ? "no signal `" + *await.signal + "` arrived"
                                                  : std::string("the condition did not hold")) +
                                        " within " + dsl::FormatDuration(*await.timeout));
    failure.kind = Failure::Kind::kTimeout;
    failure.info = {{"timeout_type", "START_TO_CLOSE"}};
    outcome = Outcome::Error(std::move(failure));
  }
  if (!outcome) {
    fiber.blocked = true;
    return;
  }
  CancelPending(fiber.frames.back());
  PopWith(fiber, std::move(*outcome));
}

void WorkflowInstance::State::AdvanceChild(Fiber& fiber, ChildFrame& frame) {
  const auto& child = std::get<dsl::ChildWorkflowStep>(frame.step->body);
  if (!frame.requested) {
    auto input = env.Evaluate(child.input, fiber.locals);
    if (!input) return PopWith(fiber, Outcome::Error(std::move(input.error())));
    frame.seq = ++child_seq;
    if (child.workflow_id) {
      auto id = env.Evaluate(*child.workflow_id, fiber.locals);
      if (!id) return PopWith(fiber, Outcome::Error(std::move(id.error())));
      frame.workflow_id = id->is_string() ? id->get<std::string>() : id->dump();
    } else {
      // Unique within the run and the same on every replay.
      frame.workflow_id = env.workflow()["id"].get<std::string>() + "/" + frame.step->id + "-" +
                          std::to_string(frame.seq);
    }
    frame.requested = true;
    commands.push_back(StartChildWorkflow{
        .seq = frame.seq,
        .workflow_type = child.name,
        .workflow_id = frame.workflow_id,
        .input = std::move(*input),
        .task_queue = child.task_queue,
        .parent_close_policy = PolicyOf(child.parent_close),
        .version = child.version,
        .step_label = Label(fiber, *frame.step),
    });
    children[frame.seq] = fiber.id;
    fiber.blocked = true;
    return;
  }
  if (!frame.start) {
    fiber.blocked = true;
    return;
  }
  if (!frame.start->started) {
    children.erase(frame.seq);
    return PopWith(fiber, Outcome::Error(frame.start->failure));
  }
  if (!child.wait) {
    children.erase(frame.seq);
    return PopWith(fiber, Outcome::Value({{"workflow_id", frame.workflow_id},
                                          {"run_id", frame.start->run_id}}));
  }
  if (!frame.result) {
    fiber.blocked = true;
    return;
  }
  if (frame.result->status != ActivityResolution::Status::kCompleted) {
    return PopWith(fiber, Outcome::Error(std::move(frame.result->failure)));
  }
  PopWith(fiber, Outcome::Value(std::move(frame.result->result)));
}

std::expected<const dsl::CatchClause*, Failure> WorkflowInstance::State::MatchCatch(
    Fiber& fiber, const dsl::TryStep& body, const Outcome& error) {
  if (error.failure.kind == Failure::Kind::kNonDeterminism) return nullptr;
  const std::string type = ErrorType(error.failure);
  for (const dsl::CatchClause& clause : body.catches) {
    // A catch-all does not swallow cancellation: a workflow stays cancellable unless a clause
    // names Cancelled on purpose.
    const bool matches = clause.errors.empty()
                             ? type != kCancelledError
                             : std::ranges::find(clause.errors, type) != clause.errors.end();
    if (!matches) continue;
    if (!clause.when) return &clause;
    nlohmann::json& slot = fiber.locals[clause.as];
    nlohmann::json shadowed = std::exchange(slot, ErrorObject(error.failure, error.step));
    auto holds = env.Holds(*clause.when, fiber.locals);
    fiber.locals[clause.as] = std::move(shadowed);
    if (!holds) return std::unexpected(std::move(holds.error()));
    if (*holds) return &clause;
  }
  return nullptr;
}

void WorkflowInstance::State::AdvanceTry(Fiber& fiber, TryFrame& frame) {
  const dsl::TryStep& body = *frame.body;
  if (frame.phase == TryFrame::Phase::kStart) {
    frame.phase = TryFrame::Phase::kBody;
    frame.compensation_mark = compensations.size();
    return PushBlock(fiber, body.steps);
  }
  Outcome outcome = TakeIncoming(fiber);
  auto finish = [&](Outcome result) {
    if (body.finally_steps.empty()) return PopWith(fiber, std::move(result));
    frame.pending = std::move(result);
    frame.phase = TryFrame::Phase::kFinally;
    PushBlock(fiber, body.finally_steps);
  };
  switch (frame.phase) {
    case TryFrame::Phase::kBody: {
      if (outcome.kind != Outcome::Kind::kError) return finish(std::move(outcome));
      auto clause = MatchCatch(fiber, body, outcome);
      if (!clause) return finish(Outcome::Error(std::move(clause.error()), outcome.step));
      if (*clause == nullptr) return finish(std::move(outcome));
      frame.clause = *clause;
      if (fiber.locals.contains(frame.clause->as)) frame.shadowed = fiber.locals[frame.clause->as];
      fiber.locals[frame.clause->as] = ErrorObject(outcome.failure, outcome.step);
      if (frame.clause->compensate) {
        // This block's compensations only: those registered since the try began, by this
        // fiber or the branches and iterations it spawned.
        CompensationFrame run;
        auto mine = [&](const Compensation& c) {
          return std::ranges::find(c.lineage, fiber.id) != c.lineage.end();
        };
        auto first = compensations.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                 frame.compensation_mark, compensations.size()));
        for (auto it = first; it != compensations.end(); ++it) {
          if (!mine(*it)) continue;
          run.entries.push_back(std::move(*it));
          it->call = nullptr;  // taken: the erase below drops it
        }
        compensations.erase(std::remove_if(first, compensations.end(),
                                           [](const Compensation& c) { return c.call == nullptr; }),
                            compensations.end());
        std::ranges::reverse(run.entries);
        frame.phase = TryFrame::Phase::kCompensating;
        return Push(fiber, std::move(run));
      }
      frame.phase = TryFrame::Phase::kCatch;
      return PushBlock(fiber, frame.clause->steps);
    }
    case TryFrame::Phase::kCompensating:
      frame.phase = TryFrame::Phase::kCatch;
      return PushBlock(fiber, frame.clause->steps);
    case TryFrame::Phase::kCatch:
      if (frame.shadowed) {
        fiber.locals[frame.clause->as] = std::move(*frame.shadowed);
      } else {
        fiber.locals.erase(frame.clause->as);
      }
      return finish(std::move(outcome));
    case TryFrame::Phase::kFinally:
      // An error in `finally` replaces what the try was ending with, as in most languages.
      if (outcome.kind != Outcome::Kind::kValue) return PopWith(fiber, std::move(outcome));
      return PopWith(fiber, std::move(*frame.pending));
    case TryFrame::Phase::kStart:
      break;
  }
}

Fiber& WorkflowInstance::State::Spawn(Fiber& parent, std::size_t slot, nlohmann::json locals) {
  Fiber& child = fibers[next_fiber];
  child.id = next_fiber++;
  child.parent = parent.id;
  child.slot = slot;
  child.lineage = parent.lineage;
  child.lineage.push_back(child.id);
  child.locals = std::move(locals);
  child.label_prefix = parent.label_prefix;
  child.label_suffix = parent.label_suffix;
  return child;
}

void WorkflowInstance::State::AdvanceParallel(Fiber& fiber, ParallelFrame& frame) {
  if (fiber.incoming) return PopWith(fiber, TakeIncoming(fiber));
  if (!frame.spawned) {
    frame.spawned = true;
    const auto& branches = frame.parallel->branches;
    frame.remaining = branches.size();
    frame.fibers.resize(branches.size());
    for (std::size_t i = 0; i < branches.size(); ++i) {
      Fiber& branch = Spawn(fiber, i, fiber.locals);
      branch.label_prefix += branches[i].id + "/";
      branch.frames.push_back(BlockFrame{&branches[i].steps});
      frame.fibers[i] = branch.id;
    }
  }
  fiber.blocked = true;
}

void WorkflowInstance::State::AdvanceForeach(Fiber& fiber, ForeachFrame& frame) {
  if (fiber.incoming) return PopWith(fiber, TakeIncoming(fiber));
  const dsl::ForeachStep& loop = *frame.foreach;
  if (!frame.started) {
    frame.started = true;
    auto items = env.Evaluate(loop.in, fiber.locals);
    if (!items) return PopWith(fiber, Outcome::Error(std::move(items.error())));
    if (!items->is_array()) {
      return PopWith(fiber,
                     Outcome::Error(ApplicationFailure(
                         std::string(kExpressionError),
                         "foreach `in` gave " + std::string(items->type_name()) + ", not a list")));
    }
    frame.items = std::move(*items);
    frame.results = nlohmann::json::array();
    for (std::size_t i = 0; i < frame.items.size(); ++i) frame.results.push_back(nullptr);
  }
  if (frame.done == frame.items.size()) return PopWith(fiber, Outcome::Value(frame.results));
  const auto concurrency = static_cast<std::size_t>(std::max<std::int64_t>(1, loop.concurrency));
  while (frame.fibers.size() < concurrency && frame.next < frame.items.size()) {
    const std::size_t index = frame.next++;
    nlohmann::json locals = fiber.locals;
    locals[loop.as] = frame.items[index];
    locals[loop.index] = index;
    Fiber& iteration = Spawn(fiber, index, std::move(locals));
    iteration.label_suffix += "[" + std::to_string(index) + "]";
    iteration.frames.push_back(IterationFrame{&loop});
    iteration.frames.push_back(BlockFrame{&loop.steps});
    frame.fibers[index] = iteration.id;
  }
  fiber.blocked = true;
}

void WorkflowInstance::State::AdvanceIteration(Fiber& fiber, IterationFrame& frame) {
  Outcome outcome = TakeIncoming(fiber);
  if (outcome.kind != Outcome::Kind::kValue || !frame.foreach->collect) {
    return PopWith(fiber, std::move(outcome));
  }
  auto collected = env.Evaluate(*frame.foreach->collect, fiber.locals);
  if (!collected) return PopWith(fiber, Outcome::Error(std::move(collected.error())));
  PopWith(fiber, Outcome::Value(std::move(*collected)));
}

void WorkflowInstance::State::ChildDone(std::uint32_t parent_id, std::size_t slot,
                                        Outcome outcome) {
  auto it = fibers.find(parent_id);
  if (it == fibers.end()) return;
  Fiber& parent = it->second;
  Frame& top = parent.frames.back();
  if (auto* parallel = std::get_if<ParallelFrame>(&top)) {
    parallel->fibers[slot].reset();
    const auto& branch = parallel->parallel->branches[slot];
    const bool all = parallel->parallel->mode == dsl::ParallelStep::Mode::kAll;
    if (outcome.kind == Outcome::Kind::kValue && all) {
      parallel->results[branch.id] = std::move(outcome.value);
      if (--parallel->remaining > 0) return;
      parent.incoming = Outcome::Value(std::move(parallel->results));
    } else {
      // The first branch to finish decides (any), or an error or a return ends them all.
      for (auto& other : parallel->fibers) {
        if (other) Discard(*other);
        other.reset();
      }
      if (outcome.kind == Outcome::Kind::kValue) {
        outcome.value = {{"branch", branch.id}, {"result", std::move(outcome.value)}};
      }
      parent.incoming = std::move(outcome);
    }
  } else if (auto* foreach = std::get_if<ForeachFrame>(&top)) {
    foreach
      ->fibers.erase(slot);
    if (outcome.kind == Outcome::Kind::kValue) {
      foreach
        ->results[slot] = std::move(outcome.value);
      ++foreach->done;
    } else {
      for (auto& [index, other] : foreach->fibers) Discard(other);
      foreach
        ->fibers.clear();
      parent.incoming = std::move(outcome);
    }
  } else {
    return;
  }
  parent.blocked = false;
}

void WorkflowInstance::State::AdvanceWhile(Fiber& fiber, WhileFrame& frame) {
  const dsl::WhileStep& loop = *frame.loop;
  if (fiber.incoming) {
    Outcome outcome = TakeIncoming(fiber);
    if (outcome.kind != Outcome::Kind::kValue) return PopWith(fiber, std::move(outcome));
    ++frame.iteration;
    // Between iterations of a top-level loop, and only there, the run can be carried over to a
    // new one without losing its place: the variables, the visible step results, the loop and
    // its count travel as the resume state.
    const bool top_level = !fiber.parent && fiber.frames.size() == 3 &&
                           std::get<BlockFrame>(fiber.frames[1]).block == &definition->steps;
    if (continue_as_new_suggested && top_level && fibers.size() == 1) {
      Outcome again;
      again.kind = Outcome::Kind::kContinueAsNew;
      again.value = env.input();
      again.resume = {{"step", std::get<BlockFrame>(fiber.frames[1]).next},
                      {"iteration", frame.iteration},
                      {"vars", env.vars()},
                      {"steps", env.steps()}};
      return PopWith(fiber, std::move(again));
    }
  }
  auto holds = env.Holds(loop.condition, fiber.locals);
  if (!holds) return PopWith(fiber, Outcome::Error(std::move(holds.error())));
  if (!*holds) return PopWith(fiber, Outcome::Value(nullptr));
  if (frame.iteration >= loop.max_iterations) {
    return PopWith(fiber, Outcome::Error(ApplicationFailure(
                              std::string(kMaxIterationsError),
                              "the loop's condition still held after max_iterations (" +
                                  std::to_string(loop.max_iterations) + ") iterations")));
  }
  PushBlock(fiber, loop.steps);
}

void WorkflowInstance::State::AdvanceCompensation(Fiber& fiber, CompensationFrame& frame) {
  // A compensation's own outcome is not the run's: the next one runs whatever happened.
  fiber.incoming.reset();
  if (frame.next >= frame.entries.size()) return PopWith(fiber, Outcome::Value(nullptr));
  Compensation& compensation = frame.entries[frame.next++];
  compensations_run.push_back(compensation.label);
  Push(fiber, CallFrame{.call = compensation.call,
                        .locals = std::move(compensation.locals),
                        .label = std::move(compensation.label)});
}

// ---------------------------------------------------------------------------------------------
// Cancelling fibers and closing the run

void WorkflowInstance::State::CancelPending(Frame& frame) {
  std::visit(Overloaded{
                 [&](CallFrame& f) {
                   if (f.scheduled && !f.resolution && activities.erase(f.seq) > 0) {
                     commands.push_back(RequestCancelActivity{f.seq});
                   }
                 },
                 [&](TimerFrame& f) {
                   if (f.started && !f.fired && timers.erase(f.seq) > 0) {
                     commands.push_back(CancelTimer{f.seq});
                   }
                 },
                 [&](AwaitFrame& f) {
                   if (f.timer && timers.erase(*f.timer) > 0) {
                     commands.push_back(CancelTimer{*f.timer});
                   }
                   f.timer.reset();
                 },
                 [&](ChildFrame& f) {
                   if (f.requested && !f.result && children.erase(f.seq) > 0 && f.start &&
                       f.start->started) {
                     commands.push_back(RequestCancelChildWorkflow{f.seq});
                   }
                 },
                 [&](ParallelFrame& f) {
                   for (auto& branch : f.fibers) {
                     if (branch) Discard(*branch);
                     branch.reset();
                   }
                 },
                 [&](ForeachFrame& f) {
                   for (auto& [index, iteration] : f.fibers) Discard(iteration);
                   f.fibers.clear();
                 },
                 [](auto&) {},
             },
             frame);
}

void WorkflowInstance::State::Discard(std::uint32_t fiber_id) {
  auto it = fibers.find(fiber_id);
  if (it == fibers.end()) return;
  for (Frame& frame : it->second.frames) CancelPending(frame);
  fibers.erase(fiber_id);
}

bool WorkflowInstance::State::Interruptible(const Fiber& root) {
  return std::ranges::none_of(root.frames, [](const Frame& frame) {
    if (const auto* r = std::get_if<RootFrame>(&frame)) {
      return r->phase == RootFrame::Phase::kCompensating;
    }
    return std::holds_alternative<CompensationFrame>(frame);
  });
}

void WorkflowInstance::State::Interrupt(Fiber& fiber, Outcome outcome) {
  fiber.blocked = false;
  if (!fiber.incoming) {
    Frame& top = fiber.frames.back();
    if (auto* root = std::get_if<RootFrame>(&top)) {
      root->phase = RootFrame::Phase::kBody;  // cancelled before its first step
    } else if (auto* attempt = std::get_if<TryFrame>(&top);
               attempt && attempt->phase == TryFrame::Phase::kStart) {
      fiber.frames.pop_back();
    } else if (!std::holds_alternative<BlockFrame>(top) &&
               !std::holds_alternative<WhileFrame>(top) &&
               !std::holds_alternative<IterationFrame>(top)) {
      // What the fiber waits on no longer matters; the frame under it receives the outcome.
      CancelPending(top);
      fiber.frames.pop_back();
    }
  }
  fiber.incoming = std::move(outcome);
}

void WorkflowInstance::State::Close(Command command) {
  close = std::move(command);
  finished = true;
  fibers.clear();
  activities.clear();
  timers.clear();
  children.clear();
}

void WorkflowInstance::State::CloseWithFailure(const Outcome& outcome) {
  if (outcome.failure.kind == Failure::Kind::kCancelled) return Close(CancelWorkflowExecution{});
  Failure failure = outcome.failure;
  failure.step = outcome.step_label.empty() ? outcome.step : outcome.step_label;
  failure.compensations = compensations_run;
  Close(FailWorkflow{std::move(failure)});
}

void WorkflowInstance::State::FailRun(Failure failure) { Close(FailWorkflow{std::move(failure)}); }

// ---------------------------------------------------------------------------------------------

WorkflowInstance::WorkflowInstance(std::shared_ptr<const dsl::Definition> definition)
    : state_(std::make_unique<State>(std::move(definition))) {}
WorkflowInstance::~WorkflowInstance() = default;
WorkflowInstance::WorkflowInstance(WorkflowInstance&&) noexcept = default;
WorkflowInstance& WorkflowInstance::operator=(WorkflowInstance&&) noexcept = default;

std::vector<Command> WorkflowInstance::Activate(const Activation& activation) noexcept {
  try {
    return state_->Activate(activation);
  } catch (const std::exception& error) {
    // A bug of the interpreter, not of the definition: fail the run with what happened rather
    // than take the engine down with it.
    std::vector<Command> commands;
    if (!state_->finished) {
      state_->finished = true;
      commands.push_back(FailWorkflow{ApplicationFailure(
          "InternalError", std::string("the interpreter failed: ") + error.what())});
    }
    return commands;
  } catch (...) {
    std::vector<Command> commands;
    if (!state_->finished) {
      state_->finished = true;
      commands.push_back(
          FailWorkflow{ApplicationFailure("InternalError", "the interpreter failed")});
    }
    return commands;
  }
}

bool WorkflowInstance::finished() const { return state_->finished; }

const dsl::Definition& WorkflowInstance::definition() const { return *state_->definition; }

std::string RunSummary(const dsl::Definition& definition) {
  return definition.name + " v" + std::to_string(definition.version);
}

std::string RunDetails(const dsl::Definition& definition) {
  std::string details =
      RunSummary(definition) + " (weft, sha256 " + definition.sha256.substr(0, 12) + ")";
  if (!definition.description.empty()) details += "\n\n" + definition.description;
  return details;
}

}  // namespace weft::interpreter
