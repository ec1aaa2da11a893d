// The definition pin: the data of the kDefinitionMarker a run records when it starts, and the
// way back from it to a Definition. An engine that resumes or replays a run loads the
// definition from its pin, never from workflows/
// (docs/language.md#identity-canonical-form-and-pinning): editing a file changes new runs only.
//
// Pure functions; thread-safe; never throw.
#ifndef WEFT_RUNTIME_INTERPRETER_DEFINITION_PIN_H_
#define WEFT_RUNTIME_INTERPRETER_DEFINITION_PIN_H_

#include <expected>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "dsl/definition.h"

namespace weft::interpreter {

// {"name", "version", "sha256", "definition": <canonical JSON>, "source": {"file",
// "expressions": {<JSON Pointer>: [line, column]}}}: the source map says where the user wrote each
// expression, so that errors of a run loaded from its pin name the user's file:line:col.
nlohmann::json DefinitionPin(const dsl::Definition& definition);

// Loads the pinned definition and checks that it hashes to the pinned sha256. Activity names
// are not checked: the run was accepted when it started.
std::expected<std::shared_ptr<const dsl::Definition>, std::string> LoadPinnedDefinition(
    const nlohmann::json& pin);

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_DEFINITION_PIN_H_
