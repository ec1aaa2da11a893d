// ReferenceFiles: the repository's own texts an agent reads to write workflows (docs/*.md, the
// JSON Schemas, the shipped workflows with their tests and Lua activities), compiled into the
// binary by agents/CMakeLists.txt, so that `weft mcp` serves the very files in the repository,
// never a second copy that drifts. reference.h says which of them are served and how.
//
// Static constants: any thread.
#ifndef WEFT_AGENTS_REFERENCE_FILES_H_
#define WEFT_AGENTS_REFERENCE_FILES_H_

#include <string_view>
#include <vector>

namespace weft::agents {

struct ReferenceFile {
  std::string_view path;  // from the repository root: "docs/language.md"
  std::string_view text;
};

// In the order agents/CMakeLists.txt lists them.
const std::vector<ReferenceFile>& ReferenceFiles();

}  // namespace weft::agents

#endif  // WEFT_AGENTS_REFERENCE_FILES_H_
