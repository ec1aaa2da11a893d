// The definition pin: the data of the kDefinitionMarker a run records when it starts, and the
// way back from it to a Definition. An engine that resumes or replays a run loads the
// definition from its pin, never from workflows/
// (docs/language.md#identity-canonical-form-and-pinning): editing a file changes new runs only.
//
// Pure functions, thread-safe, and PinTexts, which its owner serialises; nothing throws.
#ifndef WEFT_RUNTIME_INTERPRETER_DEFINITION_PIN_H_
#define WEFT_RUNTIME_INTERPRETER_DEFINITION_PIN_H_

#include <expected>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "dsl/definition.h"

namespace weft::interpreter {

// {"name", "version", "sha256", "definition": <canonical JSON>, "source": {"file",
// "expressions": {<JSON Pointer>: [line, column]}}}: the source map says where the user wrote each
// expression, so that errors of a run loaded from its pin name the user's file:line:col.
nlohmann::json DefinitionPin(const dsl::Definition& definition);

// {"name", "version", "sha256"}: what a run shows of its pin (journal.h's PinRead::kIdentity),
// and all that one held in memory keeps (the definition itself is held beside it).
nlohmann::json PinIdentity(const dsl::Definition& definition);

// Each definition's pin as JSON text, made once per sha256 and shared by every run row written
// from it: the pin is most of a new run's bytes, and building it is most of the cost of one.
// Not thread-safe: its owner serialises calls.
class PinTexts {
 public:
  std::shared_ptr<const std::string> Of(const dsl::Definition& definition);

 private:
  std::map<std::string, std::shared_ptr<const std::string>> by_sha256_;
};

// Loads the pinned definition and checks that it hashes to the pinned sha256. Activity names
// are not checked: the run was accepted when it started.
std::expected<std::shared_ptr<const dsl::Definition>, std::string> LoadPinnedDefinition(
    const nlohmann::json& pin);

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_DEFINITION_PIN_H_
