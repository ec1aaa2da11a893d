// The definition loader: YAML text to an immutable, validated Definition (dsl/definition.h), or
// every problem of the file at once as Diagnostics sorted by position.
//
// Stages: the hardened YAML reader (dsl/yaml_reader.h), then one walk over the document that
// checks its shape (keys, types, names, durations), resolves references (step ids, variables,
// signals, activities when a catalog is given), applies `defaults`, and compiles every
// `${ ... }` against the names visible where it is written (docs/language.md, "Scopes"). A
// failure in one part does not stop the others, so a file's diagnostics come together.
// The walk lives in dsl/load/: the document (document.cc), its steps (steps.h, one load function
// per row of dsl/step_kinds.h) and its handlers (handlers.h), sharing a LoaderContext.
//
// Stateless; thread-safe; never throws.
#ifndef WEFT_DSL_LOADER_H_
#define WEFT_DSL_LOADER_H_

#include <expected>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/definition.h"
#include "dsl/diagnostic.h"
#include "dsl/yaml_reader.h"

namespace weft::dsl {

struct LoadOptions {
  std::string file;  // for diagnostics and Definition::file
  // The registered activities. When given, a `call` of any other activity is an error
  // (WEFT1206); when absent, activity names are not checked.
  std::optional<std::set<std::string>> known_activities;
  // Also known: what a source of activities that changes while a worker runs serves now (a Lua
  // module added after the start). Called while loading, on the loading thread.
  std::function<bool(std::string_view)> serves_activity;
  // Activity modules that do not load (a module is the `payments` of `payments.charge`), with
  // why: a `call` into one is still unknown, and its error says which module and why rather
  // than suggesting another name.
  std::map<std::string, std::string> broken_activity_modules;
  ReadLimits limits;
};

using LoadResult = std::expected<std::shared_ptr<const Definition>, std::vector<Diagnostic>>;

LoadResult LoadDefinition(std::string_view text, const LoadOptions& options = {});

// Reads the file (a WEFT1012 diagnostic when it cannot) and loads it; options.file defaults to
// the path as given.
LoadResult LoadDefinitionFile(const std::filesystem::path& path, LoadOptions options = {});

// The diagnostics LoadDefinitionFile(path) returned, as text: each with its source line and a
// caret, the file read again for them (none when it cannot be read).
std::string FormatFileDiagnostics(const std::filesystem::path& path,
                                  const std::vector<Diagnostic>& diagnostics);

}  // namespace weft::dsl

#endif  // WEFT_DSL_LOADER_H_
