// PinnedDefinitions: the definitions loaded from definition pins (definition_pin.h), one per
// sha256 while any run holds it. Both engines load a run's definition from its pin whenever they
// rebuild the run (the embedded engine after a restart or when it wakes a parked run, the
// Temporal worker after a cache eviction or a restart); without this each rebuilt run would
// parse the same YAML again and keep its own copy of the same definition.
//
// Entries are weak: a definition no run holds any longer is loaded again if it is needed. The
// owner (an engine core, a worker's interpreter factory) holds one; thread-safe.
#ifndef WEFT_RUNTIME_INTERPRETER_PINNED_DEFINITIONS_H_
#define WEFT_RUNTIME_INTERPRETER_PINNED_DEFINITIONS_H_

#include <expected>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "dsl/definition.h"

namespace weft::interpreter {

class PinnedDefinitions {
 public:
  // The pinned definition, loaded and checked by LoadPinnedDefinition unless a definition of
  // the sha256 the pin names is held already.
  std::expected<std::shared_ptr<const dsl::Definition>, std::string> Load(
      const nlohmann::json& pin);
  // The definition the pin names if a run holds it now, else null: its sha256 is all that is
  // read, so the pin's identity (journal.h's PinRead::kIdentity) is enough.
  std::shared_ptr<const dsl::Definition> Held(const nlohmann::json& pin);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<const dsl::Definition>> loaded_;
};

}  // namespace weft::interpreter

#endif  // WEFT_RUNTIME_INTERPRETER_PINNED_DEFINITIONS_H_
