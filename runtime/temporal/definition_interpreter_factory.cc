#include "runtime/temporal/definition_interpreter_factory.h"

#include "runtime/interpreter/definition_pin.h"
#include "runtime/interpreter/workflow_instance.h"

namespace weft::temporal {

std::expected<std::shared_ptr<const dsl::Definition>, std::string> ResolveDefinition(
    const RunOrigin& origin, const dsl::DefinitionCatalog* catalog) {
  if (origin.definition_pin) {
    auto pinned = interpreter::LoadPinnedDefinition(*origin.definition_pin);
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
  auto definition = catalog->Find(origin.workflow_type);
  if (definition == nullptr) {
    return std::unexpected("no workflow definition named " + origin.workflow_type + " in " +
                           catalog->folder().string());
  }
  return definition;
}

WorkflowRun::Interpreter DefinitionInterpreter(std::shared_ptr<const dsl::Definition> definition) {
  // WorkflowRun::Interpreter is a std::function, which must be copyable; the instance is not.
  auto instance = std::make_shared<interpreter::WorkflowInstance>(std::move(definition));
  return [instance](const interpreter::Activation& activation) {
    return instance->Activate(activation);
  };
}

InterpreterFactory DefinitionInterpreterFactory(
    std::shared_ptr<const dsl::DefinitionCatalog> catalog) {
  return [catalog = std::move(catalog)](
             const RunOrigin& origin) -> std::expected<WorkflowRun::Interpreter, std::string> {
    auto definition = ResolveDefinition(origin, catalog.get());
    if (!definition) return std::unexpected(definition.error());
    return DefinitionInterpreter(std::move(*definition));
  };
}

}  // namespace weft::temporal
