// ResolveDefinition: the definition a user means by a word on the command line or in a test
// file: a path (anything with a `/` or a .yaml/.yml suffix, or an existing file), or a workflow
// name looked up among the definitions of a folder (DefinitionCatalog: the newest version).
// `weft run`, `weft test` and the agent tools all resolve through here, so that a name means
// the same definition everywhere.
//
// A pure function of the files it reads; any thread may call it.
#ifndef WEFT_DSL_RESOLVE_DEFINITION_H_
#define WEFT_DSL_RESOLVE_DEFINITION_H_

#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dsl/definition.h"
#include "dsl/diagnostic.h"

namespace weft::dsl {

struct ResolveFailure {
  // No file is the path given, and no definition in the folder has the name.
  bool not_found = false;
  std::filesystem::path file;           // the file that was read, or would have been
  std::string message;                  // one line: which name or file, and what to do
  std::vector<Diagnostic> diagnostics;  // why `file` does not load
};

// `name_or_path` names a file relative to `relative_to` when it looks like a path, else a
// definition of `folder`. A name the folder's loadable files do not define, but that a file
// `<folder>/<name>.yaml` (or .yml) would, fails with that file's diagnostics.
std::expected<std::shared_ptr<const Definition>, ResolveFailure> ResolveDefinition(
    const std::string& name_or_path, const std::filesystem::path& folder,
    const std::filesystem::path& relative_to = {});

}  // namespace weft::dsl

#endif  // WEFT_DSL_RESOLVE_DEFINITION_H_
