#include "runtime/interpreter/definition_pin.h"

#include "dsl/loader.h"

namespace weft::interpreter {

nlohmann::json DefinitionPin(const dsl::Definition& definition) {
  return {{"name", definition.name},
          {"version", definition.version},
          {"sha256", definition.sha256},
          {"definition", definition.canonical}};
}

std::expected<std::shared_ptr<const dsl::Definition>, std::string> LoadPinnedDefinition(
    const nlohmann::json& pin) {
  if (!pin.is_object() || !pin.contains("definition") || !pin.contains("sha256") ||
      !pin["sha256"].is_string()) {
    return std::unexpected("the definition pin lacks `definition` or `sha256`");
  }
  const std::string sha256 = pin["sha256"].get<std::string>();
  const std::string name = pin.value("name", std::string("?"));
  // The canonical form is JSON, and JSON is YAML: it loads as the definition it came from.
  auto loaded = dsl::LoadDefinition(pin["definition"].dump(),
                                    {.file = "pinned:" + name + "@" + sha256.substr(0, 12)});
  if (!loaded) {
    const dsl::Diagnostic& first = loaded.error().front();
    return std::unexpected("the pinned definition of `" + name +
                           "` does not load with this build: " + first.code + " " + first.message);
  }
  if ((*loaded)->sha256 != sha256) {
    return std::unexpected("the pinned definition of `" + name + "` hashes to " +
                           (*loaded)->sha256 + " with this build, not " + sha256 + " as pinned");
  }
  return *loaded;
}

}  // namespace weft::interpreter
