// DefinitionCatalog: the definitions a folder (workflows/) holds, by name and version, kept up to
// date while a process runs. Engines look up a new run's definition here; `weft new` writes a
// file and the next Rescan() serves it, which is how a running worker (embedded or Temporal)
// picks up new and changed definitions without a restart.
//
// Rescan() loads only files whose size or modification time changed. A file that stops loading
// keeps its last good definition served, and its diagnostics are reported, so a half-written
// edit never takes a workflow away from running workers. Runs already started never come here
// for their definition: they are pinned (runtime/interpreter/definition_pin.h).
//
// Thread-safe: Rescan() and the lookups may be called from any threads at once.
#ifndef WEFT_DSL_DEFINITION_CATALOG_H_
#define WEFT_DSL_DEFINITION_CATALOG_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/definition.h"
#include "dsl/diagnostic.h"
#include "dsl/loader.h"

namespace weft::dsl {

class DefinitionCatalog {
 public:
  struct ScanResult {
    std::vector<std::string> changed;  // names added or whose definition changed
    std::vector<std::string> removed;  // names no file defines any more
    std::vector<std::pair<std::filesystem::path, std::vector<Diagnostic>>> invalid;
  };

  // `folder` holds *.yaml / *.yml definitions (not recursive). `options.known_activities`, when
  // set, is checked as `weft validate` does. Call Rescan() to load.
  explicit DefinitionCatalog(std::filesystem::path folder, LoadOptions options = {});

  ScanResult Rescan();

  // The newest version of `name`, or of exactly `version`; null when there is none.
  std::shared_ptr<const Definition> Find(std::string_view name) const;
  std::shared_ptr<const Definition> Find(std::string_view name, std::int64_t version) const;
  // Every definition served, sorted by name then version.
  std::vector<std::shared_ptr<const Definition>> List() const;
  // The files that do not load as they are now, with their diagnostics, in path order; a file
  // whose last good definition is still served is among them. What an agent fixes next.
  std::vector<std::pair<std::filesystem::path, std::vector<Diagnostic>>> Problems() const;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  struct FileState;
  std::filesystem::path folder_;
  LoadOptions options_;
  mutable std::shared_mutex mutex_;
  std::map<std::filesystem::path, std::shared_ptr<FileState>> files_;
};

}  // namespace weft::dsl

#endif  // WEFT_DSL_DEFINITION_CATALOG_H_
