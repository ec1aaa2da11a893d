// LoadDefinitionFileCached: LoadDefinitionFile with the default options, served from memory
// while the file is unchanged. A process that starts many runs (`weft serve`'s clients, the
// MCP server, the UI, the one-shot `weft run` whose engine looks the definition up again)
// would otherwise read and check the same YAML for every run: about 4 ms of CPU for a 200-line
// definition (bench/RESULTS.md, "dsl: loading and checking a definition").
//
// Unchanged means the same file (device and inode), size, modification and change times, so
// an edit, a replacement by rename or a touch loads it again; a file that stops loading gives
// its diagnostics, never the last good definition (that is DefinitionCatalog's policy for
// workers, not a client's). The key is the path as given, with the working folder when it is
// relative, so that Definition::file and the diagnostics name the file as the caller did.
//
// Process-wide and thread-safe; at most 1,024 files are kept, beyond which one is forgotten for
// each new one.
#ifndef WEFT_DSL_DEFINITION_FILE_CACHE_H_
#define WEFT_DSL_DEFINITION_FILE_CACHE_H_

#include <filesystem>

#include "dsl/loader.h"

namespace weft::dsl {

LoadResult LoadDefinitionFileCached(const std::filesystem::path& path);

// What the cache did since the process started, for tests and benchmarks.
struct DefinitionFileCacheStats {
  std::uint64_t loads = 0;  // files read and checked
  std::uint64_t hits = 0;   // served from memory
};
DefinitionFileCacheStats DefinitionFileCacheStatsNow();

}  // namespace weft::dsl

#endif  // WEFT_DSL_DEFINITION_FILE_CACHE_H_
