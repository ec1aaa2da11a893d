#include "runtime/interpreter/pinned_definitions.h"

#include <iterator>

#include "runtime/interpreter/definition_pin.h"

namespace weft::interpreter {

namespace {

std::string ClaimedSha256(const nlohmann::json& pin) {
  const auto claimed = pin.is_object() ? pin.find("sha256") : pin.end();
  return claimed != pin.end() && claimed->is_string() ? claimed->get<std::string>() : "";
}

}  // namespace

std::shared_ptr<const dsl::Definition> PinnedDefinitions::Held(const nlohmann::json& pin) {
  const std::string sha256 = ClaimedSha256(pin);
  std::lock_guard lock(mutex_);
  const auto cached = loaded_.find(sha256);
  return cached != loaded_.end() ? cached->second.lock() : nullptr;
}

std::expected<std::shared_ptr<const dsl::Definition>, std::string> PinnedDefinitions::Load(
    const nlohmann::json& pin) {
  if (auto held = Held(pin)) return held;
  // Loaded outside the lock: parsing takes a while, and two threads loading one pin at once
  // only do the work twice.
  auto loaded = LoadPinnedDefinition(pin);
  if (!loaded) return std::unexpected(loaded.error());
  std::shared_ptr<const dsl::Definition> definition = std::move(*loaded);
  std::lock_guard lock(mutex_);
  // Forget the definitions no run holds any longer, now and then, so that the map stays the
  // size of what is held.
  if (loaded_.size() >= 64 && (loaded_.size() & (loaded_.size() - 1)) == 0) {
    for (auto it = loaded_.begin(); it != loaded_.end();) {
      it = it->second.expired() ? loaded_.erase(it) : std::next(it);
    }
  }
  // Keyed by what the definition hashes to, which LoadPinnedDefinition checked against the pin.
  loaded_[definition->sha256] = definition;
  return definition;
}

}  // namespace weft::interpreter
