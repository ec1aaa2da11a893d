// The InterpreterFactory of a weft worker: each run gets a WorkflowInstance of the definition
// its workflow type names. A new run takes the newest version the catalog serves now; a run
// whose history already holds its definition pin (a cache miss, a restarted worker, a replay)
// takes the pinned definition, whatever the catalog holds, so that editing workflows/ never
// changes a run in flight (docs/temporal.md).
//
// Thread-safe (the catalog is); each interpreter made belongs to one run.
#ifndef WEFT_RUNTIME_TEMPORAL_DEFINITION_INTERPRETER_FACTORY_H_
#define WEFT_RUNTIME_TEMPORAL_DEFINITION_INTERPRETER_FACTORY_H_

#include <expected>
#include <memory>
#include <string>

#include "dsl/definition_catalog.h"
#include "runtime/interpreter/pinned_definitions.h"
#include "runtime/temporal/workflow_worker.h"

namespace weft::temporal {

// The definition a run executes: its pin when it has one (loaded through `pinned`, once per
// definition), else the catalog's newest version of its type. `catalog` may be null (then only
// pinned runs resolve).
std::expected<std::shared_ptr<const dsl::Definition>, std::string> ResolveDefinition(
    const RunOrigin& origin, const dsl::DefinitionCatalog* catalog,
    interpreter::PinnedDefinitions& pinned);

// The interpreter of one run of `definition`.
WorkflowRun::Interpreter DefinitionInterpreter(std::shared_ptr<const dsl::Definition> definition);

InterpreterFactory DefinitionInterpreterFactory(
    std::shared_ptr<const dsl::DefinitionCatalog> catalog);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_DEFINITION_INTERPRETER_FACTORY_H_
