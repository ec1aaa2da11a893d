#include "runtime/interpreter/definition_pin.h"

#include "dsl/loader.h"

namespace weft::interpreter {

namespace {

// {"file", "expressions": {"/steps/0/args/to": [line, column], ...}}
nlohmann::json SourceMapToJson(const dsl::Definition::SourceMap& map) {
  nlohmann::json expressions = nlohmann::json::object();
  for (const auto& [path, position] : map.expressions) {
    expressions[path] = {position.line, position.column};
  }
  return {{"file", map.file}, {"expressions", std::move(expressions)}};
}

// What does not read as a source map is left out: the run then reports positions in the
// canonical form, as pins written before there was one do.
dsl::Definition::SourceMap SourceMapFromJson(const nlohmann::json& json) {
  dsl::Definition::SourceMap map;
  if (!json.is_object() || !json.contains("file") || !json["file"].is_string()) return map;
  map.file = json["file"].get<std::string>();
  const nlohmann::json expressions = json.value("expressions", nlohmann::json::object());
  if (!expressions.is_object()) return map;
  for (const auto& [path, at] : expressions.items()) {
    if (!at.is_array() || at.size() != 2 || !at[0].is_number_integer() ||
        !at[1].is_number_integer()) {
      continue;
    }
    map.expressions[path] = {.line = at[0].get<int>(), .column = at[1].get<int>()};
  }
  return map;
}

}  // namespace

nlohmann::json DefinitionPin(const dsl::Definition& definition) {
  nlohmann::json pin = {{"name", definition.name},
                        {"version", definition.version},
                        {"sha256", definition.sha256},
                        {"definition", definition.canonical}};
  if (!definition.source_map.file.empty()) pin["source"] = SourceMapToJson(definition.source_map);
  return pin;
}

nlohmann::json PinIdentity(const dsl::Definition& definition) {
  return {
      {"name", definition.name}, {"version", definition.version}, {"sha256", definition.sha256}};
}

std::shared_ptr<const std::string> PinTexts::Of(const dsl::Definition& definition) {
  std::shared_ptr<const std::string>& text = by_sha256_[definition.sha256];
  if (!text) text = std::make_shared<const std::string>(DefinitionPin(definition).dump());
  return text;
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
  // Not part of the identity (editing comments moves lines but keeps the hash): the positions
  // of the file the run started from, which its errors name.
  if (auto source = pin.find("source"); source != pin.end()) {
    auto definition = std::make_shared<dsl::Definition>(**loaded);
    definition->source_map = SourceMapFromJson(*source);
    if (!definition->source_map.file.empty()) return definition;
  }
  return *loaded;
}

}  // namespace weft::interpreter
