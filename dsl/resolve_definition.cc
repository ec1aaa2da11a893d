#include "dsl/resolve_definition.h"

#include <system_error>

#include "dsl/definition_catalog.h"
#include "dsl/definition_file_cache.h"
#include "dsl/loader.h"

namespace weft::dsl {
namespace {

namespace fs = std::filesystem;

bool LooksLikePath(const std::string& text) {
  return text.find('/') != std::string::npos || text.ends_with(".yaml") || text.ends_with(".yml");
}

std::expected<std::shared_ptr<const Definition>, ResolveFailure> LoadFile(const fs::path& file) {
  auto loaded = LoadDefinitionFileCached(file);
  if (loaded) return *loaded;
  return std::unexpected(ResolveFailure{.file = file,
                                        .message = file.string() + " does not load",
                                        .diagnostics = std::move(loaded.error())});
}

}  // namespace

std::expected<std::shared_ptr<const Definition>, ResolveFailure> ResolveDefinition(
    const std::string& name_or_path, const fs::path& folder, const fs::path& relative_to) {
  std::error_code error;
  if (LooksLikePath(name_or_path) || fs::is_regular_file(name_or_path, error)) {
    const fs::path path(name_or_path);
    return LoadFile(path.is_absolute() || relative_to.empty() ? path : relative_to / path);
  }
  DefinitionCatalog catalog(folder);
  catalog.Rescan();
  if (auto found = catalog.Find(name_or_path)) return found;
  // The file named after the workflow: its diagnostics say why the name is not served.
  fs::path file = folder / (name_or_path + ".yaml");
  if (const fs::path yml = folder / (name_or_path + ".yml"); fs::exists(yml, error)) file = yml;
  auto loaded = LoadFile(file);
  if (loaded && (*loaded)->name == name_or_path) return loaded;  // written since the scan
  ResolveFailure failure = loaded ? ResolveFailure{.file = file} : std::move(loaded.error());
  failure.not_found = loaded || !fs::exists(file, error);
  if (failure.not_found) {
    failure.message = "no workflow named \"" + name_or_path + "\" in " + folder.string() +
                      "/ (give a file path, or --workflows DIR; `weft validate " + folder.string() +
                      "` shows files that do not load)";
  }
  return std::unexpected(std::move(failure));
}

}  // namespace weft::dsl
