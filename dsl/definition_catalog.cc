#include "dsl/definition_catalog.h"

#include <algorithm>
#include <set>
#include <system_error>

#include "dsl/codes.h"
#include "dsl/definition_file_cache.h"

namespace weft::dsl {

// What the catalog knows of one file: the stamp it was last read at and its last good
// definition, which stays served while the file does not load.
struct DefinitionCatalog::FileState {
  std::uintmax_t size = 0;
  std::filesystem::file_time_type modified;
  std::shared_ptr<const Definition> definition;  // null until the file loads once
  std::vector<Diagnostic> diagnostics;           // why it does not load now; empty when it does
};

namespace {

struct Stamp {
  std::uintmax_t size = 0;
  std::filesystem::file_time_type modified;
};

// The definition files of `folder` with their stamps, in path order. A file that vanishes
// between the listing and its stat is left out: the next scan sees it gone.
std::map<std::filesystem::path, Stamp> ListDefinitionFiles(const std::filesystem::path& folder) {
  std::map<std::filesystem::path, Stamp> files;
  std::error_code error;
  for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    const auto& path = it->path();
    const auto extension = path.extension();
    if (extension != ".yaml" && extension != ".yml") continue;
    std::error_code stat_error;
    if (!it->is_regular_file(stat_error)) continue;
    Stamp stamp;
    stamp.size = std::filesystem::file_size(path, stat_error);
    if (stat_error) continue;
    stamp.modified = std::filesystem::last_write_time(path, stat_error);
    if (stat_error) continue;
    files.emplace(path, stamp);
  }
  return files;
}

using Key = std::pair<std::string, std::int64_t>;  // (name, version)

struct ServedDefinition {
  std::filesystem::path file;
  std::shared_ptr<const Definition> definition;
};

// (name, version) -> the file that serves it. When two files define the same name and version,
// the first path in order serves it (Rescan() reports the other). A template so that it can
// walk the catalog's private file map without naming its private type.
template <typename Files>
std::map<Key, ServedDefinition> Served(const Files& files) {
  std::map<Key, ServedDefinition> served;
  for (const auto& [path, state] : files) {
    if (state->definition == nullptr) continue;
    served.try_emplace(Key{state->definition->name, state->definition->version},
                       ServedDefinition{path, state->definition});
  }
  return served;
}

Diagnostic DuplicateDiagnostic(const std::filesystem::path& file, const Definition& definition,
                               const std::filesystem::path& served_by) {
  Diagnostic diagnostic;
  diagnostic.code = codes::kDuplicateDefinition;
  diagnostic.file = file.string();
  diagnostic.position = {1, 1};
  diagnostic.path = "/name";
  diagnostic.message = "workflow `" + definition.name + "` version " +
                       std::to_string(definition.version) + " is already defined by " +
                       served_by.string() + "; this file is not served";
  diagnostic.hint = "give this file another `name`, or raise its `version`";
  return diagnostic;
}

bool SameDiagnostics(const std::vector<Diagnostic>& a, const std::vector<Diagnostic>& b) {
  return std::ranges::equal(a, b, [](const Diagnostic& x, const Diagnostic& y) {
    return x.code == y.code && x.message == y.message && x.path == y.path;
  });
}

}  // namespace

DefinitionCatalog::DefinitionCatalog(std::filesystem::path folder, LoadOptions options)
    : folder_(std::move(folder)), options_(std::move(options)) {}

DefinitionCatalog::ScanResult DefinitionCatalog::Rescan() {
  const auto listed = ListDefinitionFiles(folder_);
  // One rescan at a time, and lookups wait for it: loading happens only for files that changed,
  // which is rare and takes milliseconds, and an exclusive lock keeps two concurrent rescans
  // from applying their loads out of order.
  std::unique_lock lock(mutex_);
  const auto before = Served(files_);
  ScanResult result;
  std::set<std::filesystem::path> loaded;

  for (auto it = files_.begin(); it != files_.end();) {
    it = listed.contains(it->first) ? std::next(it) : files_.erase(it);
  }
  // Without activity checks a file loads the same for every catalog of the process, so
  // catalogs made for one look-up (ResolveDefinition) share what was loaded.
  const bool plain_options = !options_.known_activities && !options_.serves_activity &&
                             options_.broken_activity_modules.empty() &&
                             options_.limits == ReadLimits{};
  for (const auto& [path, stamp] : listed) {
    auto& state = files_[path];
    const bool unchanged =
        state != nullptr && state->size == stamp.size && state->modified == stamp.modified;
    // A file refused for calling an unknown activity is read again: the activity may be served
    // now (a Lua module added or fixed), though the file did not change.
    const bool recheck =
        unchanged && std::ranges::any_of(state->diagnostics, [](const Diagnostic& diagnostic) {
          return diagnostic.code == codes::kUnknownActivity;
        });
    if (unchanged && !recheck) continue;
    if (state == nullptr) state = std::make_shared<FileState>();
    state->size = stamp.size;
    state->modified = stamp.modified;
    LoadOptions options = options_;
    options.file = path.string();
    auto definition = plain_options ? LoadDefinitionFileCached(path)
                                    : LoadDefinitionFile(path, std::move(options));
    if (definition.has_value()) {
      state->definition = std::move(*definition);
      state->diagnostics.clear();
      loaded.insert(path);
    } else {
      // Read again and refused as before: nothing new to report.
      const bool same = recheck && SameDiagnostics(state->diagnostics, definition.error());
      state->diagnostics = definition.error();
      if (!same) result.invalid.emplace_back(path, std::move(definition.error()));
    }
  }

  const auto after = Served(files_);
  for (const auto& [path, state] : files_) {
    if (state->definition == nullptr) continue;
    const auto& served = after.at(Key{state->definition->name, state->definition->version});
    if (served.file != path && (loaded.contains(path) || loaded.contains(served.file))) {
      result.invalid.emplace_back(path, std::vector<Diagnostic>{DuplicateDiagnostic(
                                            path, *state->definition, served.file)});
    }
  }
  std::set<std::string> changed;
  std::set<std::string> names_after;
  for (const auto& [key, served] : after) {
    names_after.insert(key.first);
    const auto old = before.find(key);
    if (old == before.end() || old->second.definition->sha256 != served.definition->sha256) {
      changed.insert(key.first);
    }
  }
  std::set<std::string> removed;
  for (const auto& [key, served] : before) {
    if (!names_after.contains(key.first)) {
      removed.insert(key.first);
    } else if (!after.contains(key)) {
      changed.insert(key.first);  // one version of it went away
    }
  }
  result.changed.assign(changed.begin(), changed.end());
  result.removed.assign(removed.begin(), removed.end());
  return result;
}

std::shared_ptr<const Definition> DefinitionCatalog::Find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  std::shared_ptr<const Definition> newest;
  for (const auto& [key, served] : Served(files_)) {
    if (key.first == name) newest = served.definition;  // versions ascend within a name
  }
  return newest;
}

std::shared_ptr<const Definition> DefinitionCatalog::Find(std::string_view name,
                                                          std::int64_t version) const {
  std::shared_lock lock(mutex_);
  for (const auto& [path, state] : files_) {
    // The first file in path order serves a (name, version), as Served() decides.
    if (state->definition != nullptr && state->definition->name == name &&
        state->definition->version == version) {
      return state->definition;
    }
  }
  return nullptr;
}

std::vector<std::shared_ptr<const Definition>> DefinitionCatalog::List() const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<const Definition>> list;
  for (const auto& [key, served] : Served(files_)) list.push_back(served.definition);
  return list;
}

std::vector<std::pair<std::filesystem::path, std::vector<Diagnostic>>> DefinitionCatalog::Problems()
    const {
  std::shared_lock lock(mutex_);
  std::vector<std::pair<std::filesystem::path, std::vector<Diagnostic>>> problems;
  for (const auto& [path, state] : files_) {
    if (!state->diagnostics.empty()) problems.emplace_back(path, state->diagnostics);
  }
  return problems;
}

}  // namespace weft::dsl
