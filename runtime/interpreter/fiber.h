// Fiber: one thread of execution inside a run, and the frames of its explicit stack. The root
// fiber runs the top-level steps; each `parallel` branch and `foreach` iteration runs in a
// fiber of its own, whose result goes to the frame of its parent fiber that spawned it.
//
// Each frame is one construct in progress (a block, a call, a try, a loop...). Only the top
// frame of a fiber ever waits on something from outside; the frames below it wait for the
// frame above to finish and hand them its Outcome (`incoming`). The step that runs these
// frames is WorkflowInstance's; this file is plain data.
#ifndef WEFT_RUNTIME_INTERPRETER_FIBER_H_
#define WEFT_RUNTIME_INTERPRETER_FIBER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dsl/definition.h"
#include "runtime/interpreter/activation.h"
#include "runtime/interpreter/command.h"
#include "runtime/interpreter/failure.h"

namespace weft::interpreter {

// How a construct ended: with a value, an error, or by ending the whole run (`return`, which
// may continue as new). Errors unwind to the nearest `try`; the run-ending kinds unwind to the
// root, running `finally` blocks on the way.
struct Outcome {
  enum class Kind { kValue, kError, kReturn, kContinueAsNew };
  Kind kind = Kind::kValue;
  nlohmann::json value;    // kValue: the result; kReturn: the output; kContinueAsNew: the input
  Failure failure;         // kError
  std::string step;        // kError: the id of the step that raised it
  std::string step_label;  // kError: that step as a person reads it ("resize[3]"), when known
  nlohmann::json resume;   // kContinueAsNew from a `while` loop: where the next run picks up

  static Outcome Value(nlohmann::json value) {
    Outcome outcome;
    outcome.value = std::move(value);
    return outcome;
  }
  static Outcome Error(Failure failure, std::string step = {}) {
    Outcome outcome;
    outcome.kind = Kind::kError;
    outcome.failure = std::move(failure);
    outcome.step = std::move(step);
    return outcome;
  }
};

// A compensation registered by a successful call: the call to make, and the locals it sees
// (its own step's result included). `lineage` is the registering fiber and its ancestors, so a
// `try` runs only the compensations of its own block.
struct Compensation {
  const dsl::ActivityCall* call = nullptr;
  std::string label;  // "compensate charge[2]"
  nlohmann::json locals;
  std::vector<std::uint32_t> lineage;
};

// The bottom of the root fiber: computes `output`, runs on_failure compensations, closes.
//
//   phase          receives                    then
//   kStart         -                           push the top-level block; kBody
//   kBody          value                       close: complete with `output`
//   kBody          return / continue-as-new    close: complete / continue as new
//   kBody          error, compensations        push them, newest first; kCompensating
//   kBody          error, none                 close: fail (cancelled: cancel)
//   kCompensating  (their end)                 close with the error kept in `failed`
struct RootFrame {
  enum class Phase { kStart, kBody, kCompensating };
  Phase phase = Phase::kStart;
  std::optional<Outcome> failed;  // kCompensating: the error the run fails with afterwards
};

// Steps in order; a step's value goes to `steps.<id>.result` and its `result` variable.
struct BlockFrame {
  const dsl::Block* block = nullptr;
  std::size_t next = 0;
  nlohmann::json last;  // the value of the last step that ran: the block's own value
};

struct CallFrame {
  const dsl::ActivityCall* call = nullptr;
  const dsl::Step* step = nullptr;       // null for a compensation
  std::optional<nlohmann::json> locals;  // a compensation's captured locals
  std::uint32_t seq = 0;
  bool scheduled = false;
  std::optional<ActivityResolution> resolution;
  std::string label;  // the step's label, or the compensation's
};

struct TimerFrame {
  Milliseconds duration{0};
  std::uint32_t seq = 0;
  bool started = false;
  bool fired = false;
  std::string label;  // of the `wait` step
};

struct AwaitFrame {
  const dsl::AwaitStep* await = nullptr;
  std::optional<std::uint32_t> timer;  // the timeout's timer, while it runs
  bool started = false;
  bool timed_out = false;
  std::string label;  // of the `await` step
};

struct ChildFrame {
  const dsl::Step* step = nullptr;
  std::uint32_t seq = 0;
  bool requested = false;
  std::string workflow_id;
  std::optional<ResolveChildWorkflowStart> start;
  std::optional<ResolveChildWorkflow> result;
};

// try / catch / finally:
//
//   phase          receives                    then
//   kStart         -                           push the try block; kBody
//   kBody          error a clause matches      bind it; compensate: kCompensating, else kCatch
//   kBody          anything else               run finally (kFinally) or end with it
//   kCompensating  (their end)                 push the clause's steps; kCatch
//   kCatch         anything                    unbind; run finally or end with it
//   kFinally       value                       end with what `pending` holds
//   kFinally       error / return              end with that instead
struct TryFrame {
  enum class Phase { kStart, kBody, kCompensating, kCatch, kFinally };
  const dsl::TryStep* body = nullptr;
  Phase phase = Phase::kStart;
  std::size_t compensation_mark = 0;  // compensations registered before the try began
  const dsl::CatchClause* clause = nullptr;
  std::optional<nlohmann::json> shadowed;  // the local the clause's error name hid
  std::optional<Outcome> pending;          // kFinally: what the try ends with afterwards
};

struct ParallelFrame {
  const dsl::ParallelStep* parallel = nullptr;
  bool spawned = false;
  std::vector<std::optional<std::uint32_t>> fibers;  // by branch, while it runs
  nlohmann::json results = nlohmann::json::object();
  std::size_t remaining = 0;
};

struct ForeachFrame {
  const dsl::ForeachStep* foreach = nullptr;
  bool started = false;
  nlohmann::json items;
  std::size_t next = 0;
  std::size_t done = 0;
  std::map<std::size_t, std::uint32_t> fibers;  // by item index, while it runs
  nlohmann::json results;
};

// The bottom of a `foreach` iteration's fiber: evaluates `collect` over the iteration.
struct IterationFrame {
  const dsl::ForeachStep* foreach = nullptr;
};

struct WhileFrame {
  const dsl::WhileStep* loop = nullptr;
  std::int64_t iteration = 0;  // iterations completed
};

// Runs compensations newest first; a failed compensation does not stop the others.
struct CompensationFrame {
  std::vector<Compensation> entries;  // in the order to run
  std::size_t next = 0;
};

using Frame =
    std::variant<RootFrame, BlockFrame, CallFrame, TimerFrame, AwaitFrame, ChildFrame, TryFrame,
                 ParallelFrame, ForeachFrame, IterationFrame, WhileFrame, CompensationFrame>;

struct Fiber {
  std::uint32_t id = 0;
  std::optional<std::uint32_t> parent;  // the fiber whose top frame waits for this one
  std::size_t slot = 0;                 // the branch or item index in that frame
  std::vector<std::uint32_t> lineage;   // this fiber and its ancestors
  // How the steps of this fiber are labelled for people (the Temporal UI's summaries, the stack
  // trace): step ids are unique in a definition, but one step runs once per foreach iteration,
  // so each iteration appends its index ("resize[3]"), and a parallel branch prefixes its id
  // ("thumbs/resize[3]"). Nested constructs add theirs in order, outermost first.
  std::string label_prefix;
  std::string label_suffix;
  std::deque<Frame> frames;  // a deque: pushing keeps references to frames valid
  nlohmann::json locals = nlohmann::json::object();
  std::optional<Outcome> incoming;  // for the top frame, from the frame just popped
  bool blocked = false;
};

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_FIBER_H_
