// A loaded, validated workflow definition: what the interpreter executes. Built only by
// LoadDefinition() (dsl/loader.h), which has already checked every rule of docs/language.md:
// ids are unique, references resolve, every expression compiled against the names visible where
// it is written, every activity call has a start_to_close or schedule_to_close timeout (the
// document's `defaults` are already applied to each call), every `while` has max_iterations.
// The interpreter can therefore execute it without re-checking anything.
//
// Every step keeps its source range and JSON Pointer path ("/steps/2/try/steps/0"), which is also
// its stable position for markers and continue-as-new. Immutable; shared as
// std::shared_ptr<const Definition>; safe to read from any number of threads.
#ifndef WEFT_DSL_DEFINITION_H_
#define WEFT_DSL_DEFINITION_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dsl/duration.h"
#include "dsl/source_range.h"
#include "dsl/template.h"

namespace weft::dsl {

struct Step;
using Block = std::vector<Step>;

// Temporal's activity timeouts; each absent when not set.
struct Timeouts {
  std::optional<Duration> start_to_close;
  std::optional<Duration> schedule_to_close;
  std::optional<Duration> schedule_to_start;
  std::optional<Duration> heartbeat;
};

// Temporal's RetryPolicy, with its names. Absent fields take the server's defaults.
struct RetryPolicy {
  std::optional<Duration> initial_interval;
  std::optional<double> backoff_coefficient;
  std::optional<Duration> maximum_interval;
  std::optional<std::int64_t> maximum_attempts;  // 0: unlimited
  std::vector<std::string> non_retryable_error_types;
};

// The built-in activity that runs `call: {lua: "..."}` chunks; its input is
// {"source": <chunk>, "input": <args>} (runtime/lua, docs/activities.md).
inline constexpr std::string_view kInlineLuaActivity = "lua.inline";

// One activity invocation: a `call` step's own, or its compensation.
struct ActivityCall {
  std::string activity;  // "payments.charge"; kInlineLuaActivity for an inline chunk
  std::optional<std::string> inline_lua;  // the chunk of `call: {lua: "..."}`
  Template args;                          // null when the call has none
  Timeouts timeouts;                      // defaults applied
  RetryPolicy retry;                      // defaults applied
  std::optional<std::string> task_queue;
  bool local = false;  // a local activity
  SourceRange range;
  std::string path;
};

// A variable assignment of `set`, of a signal handler or of an update handler.
struct Assignment {
  std::string variable;
  Template value;
};

struct CallStep {
  ActivityCall call;
  std::optional<ActivityCall> compensate;  // pushed on the compensation stack on success
};

struct SetStep {
  std::vector<Assignment> assignments;  // in document order
};

struct SwitchCase {
  Expression when;
  Block steps;
};

struct SwitchStep {
  std::vector<SwitchCase> cases;  // the first whose `when` holds runs
  Block default_steps;            // runs when none holds (may be empty)
};

struct ParallelBranch {
  std::string id;
  Block steps;
};

struct ParallelStep {
  enum class Mode { kAll, kAny };
  std::vector<ParallelBranch> branches;
  // kAll: wait for every branch; the result maps branch id to the branch's result. kAny: the
  // first branch to complete wins, the others are cancelled; the result is
  // {"branch": id, "result": value}.
  Mode mode = Mode::kAll;
};

struct ForeachStep {
  Expression in;  // a list
  std::string as = "item";
  std::string index = "index";
  std::int64_t concurrency = 1;
  Block steps;
  // Evaluated after each iteration; the step's result is the list of these values, in input
  // order. Absent: the result of each iteration's last step.
  std::optional<Expression> collect;
};

struct WhileStep {
  Expression condition;             // checked before each iteration
  std::int64_t max_iterations = 0;  // exceeding it fails the step
  Block steps;
};

struct WaitStep {
  std::optional<Duration> duration;               // a durable timer...
  std::optional<Expression> duration_expression;  // ...of a computed length ("1h30m" or seconds)
  std::optional<Expression> until;                // ...or until a timestamp
};

struct AwaitStep {
  std::optional<std::string> signal;    // the next signal of this name (its payload is the result)
  std::optional<Expression> condition;  // or until this holds
  std::optional<Duration> timeout;      // then fails with the error type `Timeout`
};

struct ChildWorkflowStep {
  enum class ParentClose { kTerminate, kRequestCancel, kAbandon };
  std::string name;
  std::optional<std::int64_t> version;
  Template input;
  std::optional<Template> workflow_id;
  std::optional<std::string> task_queue;
  bool wait = true;  // false: start it and go on; the result is {"workflow_id", "run_id"}
  ParentClose parent_close = ParentClose::kTerminate;
};

struct CatchClause {
  std::vector<std::string> errors;  // error types matched exactly; empty: any error
  std::optional<Expression> when;
  std::string as = "error";
  bool compensate = false;  // run the try block's compensations (LIFO) before `steps`
  Block steps;
};

struct TryStep {
  Block steps;
  std::vector<CatchClause> catches;  // the first that matches handles the error
  Block finally_steps;
};

struct FailStep {
  std::string type;  // the error type `catch` matches
  Template message;
  Template details;
  bool retryable = false;
};

struct ReturnStep {
  // Completes the workflow with `output`, or continues as new with `continue_as_new_input`.
  Template output;
  std::optional<Template> continue_as_new_input;
};

using StepBody =
    std::variant<CallStep, SetStep, SwitchStep, ParallelStep, ForeachStep, WhileStep, WaitStep,
                 AwaitStep, ChildWorkflowStep, TryStep, FailStep, ReturnStep>;

// The step kinds, in StepBody's order.
enum class StepKind {
  kCall,
  kSet,
  kSwitch,
  kParallel,
  kForeach,
  kWhile,
  kWait,
  kAwait,
  kWorkflow,
  kTry,
  kFail,
  kReturn
};

// "call", "set", ... as the document writes the kind key (its row in dsl/step_kinds.h).
const char* StepKindName(StepKind kind);

struct Step {
  std::string id;  // unique in the definition
  std::string description;
  std::optional<Expression> when;     // a skipped step's result is null
  std::optional<std::string> result;  // the variable that receives the step's result
  StepBody body;
  SourceRange range;
  std::string path;  // "/steps/2/try/steps/0"

  StepKind kind() const { return static_cast<StepKind>(body.index()); }
};

struct QueryHandler {
  std::string name;
  Expression value;  // over input, vars, workflow and `query` (the query's argument)
  std::string description;
  SourceRange range;
};

struct SignalHandler {
  std::string name;
  std::vector<Assignment> assignments;  // over input, vars, workflow and `signal` (its payload)
  std::string description;
  SourceRange range;
};

struct UpdateHandler {
  std::string name;
  std::optional<Expression> validate;   // false rejects the update before it enters history
  std::vector<Assignment> assignments;  // over input, vars, workflow and `update`
  Template result;
  std::string description;
  SourceRange range;
};

// A schedule the definition declares (`schedules:`): when a run of it starts by itself, with
// which input and under which policies. Temporal's schedules, created by `weft worker
// --sync-schedules` (runtime/temporal/schedule_sync.h). Not part of a run's behaviour.
struct DeclaredSchedule {
  std::string id;                   // unique in the definition
  std::vector<std::string> crons;   // cron strings ("0 9 * * MON-FRI", "@every 1h")
  std::vector<Duration> intervals;  // at least one of crons and intervals
  std::string time_zone;            // IANA name; empty: UTC
  Duration jitter{0};
  std::string overlap = "skip";  // skip, buffer_one, buffer_all, cancel_other, ...
  std::optional<Duration> catchup_window;
  bool pause_on_failure = false;
  bool paused = false;
  nlohmann::json input = nlohmann::json::object();  // checked against the input schema
};

struct Definition {
  std::int64_t dsl = 1;
  std::string name;
  std::int64_t version = 1;
  std::string description;
  nlohmann::json input_schema;   // JSON Schema of the input; {} when absent
  std::vector<Assignment> vars;  // initial values, over input and workflow
  // Every variable: declared in `vars` (with its initial value) or by a step's `result`
  // (initially null).
  std::vector<std::string> variables;
  std::vector<QueryHandler> queries;
  std::vector<SignalHandler> signals;
  std::vector<UpdateHandler> updates;
  Block steps;
  Template output;  // null when absent
  enum class OnFailure { kFail, kCompensate };
  OnFailure on_failure = OnFailure::kFail;
  std::optional<Duration> timeout;  // workflow execution timeout
  std::map<std::string, Template> search_attributes;
  std::map<std::string, Template> memo;
  std::vector<DeclaredSchedule> schedules;

  // The canonical JSON form (dsl/canonical_form.h) and the lowercase hex SHA-256 of its text:
  // the definition's identity beside (name, version).
  nlohmann::json canonical;
  std::string sha256;
  std::string file;  // as given to the loader
  // Where the user wrote each expression: the file and, by the expression's JSON Pointer path,
  // its position there. The loader fills it; a run's pin keeps it (interpreter/definition_pin.h),
  // so that a run loaded from its pin, whose `file` and ranges are those of the canonical JSON,
  // still reports an expression error at the line and column of the user's file.
  struct SourceMap {
    std::string file;
    std::map<std::string, SourcePosition> expressions;
  };
  SourceMap source_map;
};

}  // namespace weft::dsl

#endif  // WEFT_DSL_DEFINITION_H_
