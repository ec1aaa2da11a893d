// Fuzz target: YAML text through the definition loader to what `weft validate --json` prints.
// The input is a definition file's text, as anyone may write one (seeds: workflows/, the
// loader's corpus of valid and invalid files, tests/workflows/).
//
// Checked besides memory safety: every diagnostic has a code and a position inside the text;
// the report prints as JSON (D5 of issue 18 was an abort there); a definition that loads has a
// canonical form (`weft fmt`) that loads again to the same definition (the same sha256), since
// a run's pin is that canonical form and is loaded again on replay.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dsl/canonical_yaml.h"
#include "dsl/loader.h"
#include "dsl/mermaid_graph.h"
#include "dsl/validation_report.h"

namespace {

using weft::dsl::Diagnostic;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto loaded = weft::dsl::LoadDefinition(text, {.file = "fuzz.yaml"});

  weft::dsl::ValidationReport report;
  weft::dsl::FileValidation& file = report.files.emplace_back();
  file.file = "fuzz.yaml";
  if (loaded) {
    file.definition = *loaded;
  } else {
    file.diagnostics = loaded.error();
    file.source = std::string(text);
    for (const Diagnostic& diagnostic : file.diagnostics) Check(!diagnostic.code.empty());
  }
  // As cmd/weft prints it: invalid UTF-8 from the text is replaced, never thrown.
  const std::string json =
      report.ToJson().dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string printed = report.Text();
  Check(!json.empty() && !printed.empty());

  if (loaded) {
    const std::string canonical = weft::dsl::CanonicalYaml(**loaded);
    auto again = weft::dsl::LoadDefinition(canonical, {.file = "canonical.yaml"});
    Check(again.has_value());
    Check((*again)->sha256 == (*loaded)->sha256);
    (void)weft::dsl::MermaidGraph(**loaded);
  }
  return 0;
}
