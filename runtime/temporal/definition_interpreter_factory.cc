#include "runtime/temporal/definition_interpreter_factory.h"

#include <optional>
#include <variant>

#include "dsl/input_check.h"
#include "runtime/interpreter/definition_pin.h"
#include "runtime/interpreter/pinned_definitions.h"
#include "runtime/interpreter/workflow_instance.h"

namespace weft::temporal {

std::expected<std::shared_ptr<const dsl::Definition>, std::string> ResolveDefinition(
    const RunOrigin& origin, const dsl::DefinitionCatalog* catalog,
    interpreter::PinnedDefinitions& pinned_definitions) {
  if (origin.definition_pin) {
    // FindDefinitionPin keeps a pin whose payload does not decode as {"undecoded": why}.
    if (const nlohmann::json& pin = *origin.definition_pin; pin.is_object() && pin.size() == 1 &&
                                                            pin.contains("undecoded") &&
                                                            pin["undecoded"].is_string()) {
      return std::unexpected("the definition pinned in the history of this " +
                             origin.workflow_type +
                             " run does not decode: " + pin["undecoded"].get<std::string>());
    }
    auto pinned = pinned_definitions.Load(*origin.definition_pin);
    if (!pinned) {
      return std::unexpected("the definition pinned in the history of this " +
                             origin.workflow_type + " run does not load: " + pinned.error());
    }
    return std::move(*pinned);
  }
  if (catalog == nullptr) {
    return std::unexpected("the history of this " + origin.workflow_type +
                           " run holds no definition pin, and no workflows folder was given");
  }
  auto definition = origin.version ? catalog->Find(origin.workflow_type, *origin.version)
                                   : catalog->Find(origin.workflow_type);
  if (definition == nullptr) {
    return std::unexpected(
        "no workflow definition named " + origin.workflow_type +
        (origin.version ? " of version " + std::to_string(*origin.version) : std::string()) +
        " in " + catalog->folder().string());
  }
  return definition;
}

namespace {

// The input of a StartWorkflow job that does not match the definition's input schema, as the
// failure the run ends with. Any client can start a weft workflow, so the schema is checked
// here, where the run begins, as the embedded engine checks it before it starts one.
std::optional<interpreter::Failure> InvalidInput(const dsl::Definition& definition,
                                                 const interpreter::Activation& activation) {
  for (const interpreter::Job& job : activation.jobs) {
    const auto* start = std::get_if<interpreter::StartWorkflow>(&job);
    if (start == nullptr) continue;
    auto checked = dsl::CheckInput(definition.input_schema, start->input);
    if (checked) return std::nullopt;
    return interpreter::Failure{
        .type = "InvalidInput",
        .message = "the input of " + definition.name +
                   " does not match its schema: " + dsl::DescribeInputErrors(checked.error()),
        .non_retryable = true};
  }
  return std::nullopt;
}

}  // namespace

WorkflowRun::Interpreter DefinitionInterpreter(std::shared_ptr<const dsl::Definition> definition) {
  // WorkflowRun::Interpreter is a std::function, which must be copyable; the instance is not.
  auto instance = std::make_shared<interpreter::WorkflowInstance>(definition);
  return [instance, definition](const interpreter::Activation& activation) {
    // The run still records its pin, so that its history replays like any other.
    if (auto invalid = InvalidInput(*definition, activation)) {
      return std::vector<interpreter::Command>{
          interpreter::RecordMarker{std::string(interpreter::kDefinitionMarker),
                                    interpreter::DefinitionPin(*definition)},
          interpreter::FailWorkflow{std::move(*invalid)}};
    }
    return instance->Activate(activation);
  };
}

InterpreterFactory DefinitionInterpreterFactory(
    std::shared_ptr<const dsl::DefinitionCatalog> catalog) {
  // Shared by the runs the worker rebuilds from their histories (after an eviction or a restart).
  auto pinned = std::make_shared<interpreter::PinnedDefinitions>();
  return [catalog = std::move(catalog),
          pinned](const RunOrigin& origin) -> std::expected<WorkflowRun::Interpreter, std::string> {
    auto definition = ResolveDefinition(origin, catalog.get(), *pinned);
    if (!definition) return std::unexpected(definition.error());
    return DefinitionInterpreter(std::move(*definition));
  };
}

}  // namespace weft::temporal
