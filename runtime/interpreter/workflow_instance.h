// WorkflowInstance: one run of a definition, as the pure interpreter holds it. An engine feeds
// it activations (activation.h) and carries out the commands it answers (command.h); that is
// the whole contract, the same for the embedded engine and for the Temporal worker, which is
// why both produce the same command traces.
//
// Execution is a set of fibers, each with an explicit frame stack (no C++ recursion shaped
// like the workflow): the root fiber runs the top-level steps, and every `parallel` branch and
// `foreach` iteration runs in a fiber of its own. After the jobs of an activation are applied,
// fibers run in creation order until each is blocked on something only a later activation can
// bring (an activity, a timer, a signal, a child); the commands they produced on the way are
// returned in the order they were reached.
//
// Pure and deterministic: no clock, no random device, no I/O. now() is the activation's time,
// uuid() and random() derive from StartWorkflow::random_seed. Never throws: a bad expression at
// run time fails the step with the error type `ExpressionError`, which `catch` can handle, and
// an internal inconsistency fails the workflow rather than the process.
//
// Not thread-safe: one engine thread drives a run at a time. Movable, not copyable.
#ifndef WEFT_RUNTIME_INTERPRETER_WORKFLOW_INSTANCE_H_
#define WEFT_RUNTIME_INTERPRETER_WORKFLOW_INSTANCE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/definition.h"
#include "runtime/interpreter/activation.h"
#include "runtime/interpreter/command.h"

namespace weft::interpreter {

// The marker a run records in its first activation: the canonical definition it executes
// ({"name", "version", "sha256", "definition": <canonical JSON>}), so that replay and
// resumption never depend on what is on disk
// (docs/language.md#identity-canonical-form-and-pinning). See definition_pin.h.
inline constexpr std::string_view kDefinitionMarker = "weft.definition";

// Queries every run answers besides its definition's handlers, named as Temporal's SDKs name
// theirs: where each fiber stands (by step label, fiber.h), and the run's
// temporal.api.sdk.v1.WorkflowMetadata in proto3 JSON (its queries, signals and updates with
// their descriptions, and the definition's name, version and description as its details).
inline constexpr std::string_view kStackTraceQuery = "__stack_trace";
inline constexpr std::string_view kMetadataQuery = "__temporal_workflow_metadata";

// How a run of `definition` introduces itself where people look (the Temporal UI): a summary,
// "order-clothes v3", and details that add the hash and the definition's description.
std::string RunSummary(const dsl::Definition& definition);
std::string RunDetails(const dsl::Definition& definition);

class WorkflowInstance {
 public:
  explicit WorkflowInstance(std::shared_ptr<const dsl::Definition> definition);
  ~WorkflowInstance();
  WorkflowInstance(WorkflowInstance&&) noexcept;
  WorkflowInstance& operator=(WorkflowInstance&&) noexcept;

  // Applies the jobs in order, runs every fiber as far as it can go, answers the queries
  // against the resulting state, and returns the commands. The first activation of a run must
  // start with StartWorkflow. After a close command, only queries are answered.
  std::vector<Command> Activate(const Activation& activation) noexcept;

  // A close command (complete, fail, cancel, continue as new) has been returned.
  bool finished() const;

  const dsl::Definition& definition() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_WORKFLOW_INSTANCE_H_
