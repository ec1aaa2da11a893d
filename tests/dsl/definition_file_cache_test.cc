// LoadDefinitionFileCached over real files: an unchanged file is served from memory (the same
// definition), an edit, a touch or a replacement by rename loads it again, and a file that
// stops loading gives its diagnostics, never the definition it had before.
#include "dsl/definition_file_cache.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "dsl/resolve_definition.h"

namespace {

namespace fs = std::filesystem;
using weft::dsl::DefinitionFileCacheStatsNow;
using weft::dsl::LoadDefinitionFileCached;

std::string Definition(const std::string& name, int version) {
  return "dsl: 1\nname: " + name + "\nversion: " + std::to_string(version) +
         "\nsteps:\n  - id: done\n    set: {x: 1}\noutput: '${ vars.x }'\nvars: {x: 0}\n";
}

struct Folder {
  fs::path path;
  Folder() {
    path = fs::temp_directory_path() / ("weft-file-cache-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  fs::path Write(const std::string& name, const std::string& text) {
    const fs::path file = path / name;
    std::ofstream(file, std::ios::trunc) << text;
    return file;
  }
};

TEST_CASE("an unchanged file is served from memory, a changed one is loaded again") {
  Folder folder;
  const fs::path file = folder.Write("a.yaml", Definition("a", 1));
  const auto before = DefinitionFileCacheStatsNow();
  auto first = LoadDefinitionFileCached(file);
  REQUIRE(first);
  auto second = LoadDefinitionFileCached(file);
  REQUIRE(second);
  CHECK(first->get() == second->get());
  CHECK(DefinitionFileCacheStatsNow().loads - before.loads == 1);
  CHECK(DefinitionFileCacheStatsNow().hits - before.hits == 1);

  SECTION("an edit") {
    folder.Write("a.yaml", Definition("a", 2));
    auto edited = LoadDefinitionFileCached(file);
    REQUIRE(edited);
    CHECK((*edited)->version == 2);
  }
  SECTION("a touch, the text unchanged: loaded again (the change time moved)") {
    fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(5));
    auto touched = LoadDefinitionFileCached(file);
    REQUIRE(touched);
    CHECK(touched->get() != first->get());
    CHECK(DefinitionFileCacheStatsNow().loads - before.loads == 2);
  }
  SECTION("a replacement by rename, same size") {
    const fs::path other = folder.Write("b.tmp", Definition("a", 3));
    fs::rename(other, file);
    auto replaced = LoadDefinitionFileCached(file);
    REQUIRE(replaced);
    CHECK((*replaced)->version == 3);
  }
  SECTION("a file that stops loading gives its diagnostics") {
    folder.Write("a.yaml", "dsl: 1\nname: a\nsteps: [\n");
    auto broken = LoadDefinitionFileCached(file);
    REQUIRE_FALSE(broken);
    CHECK_FALSE(broken.error().empty());
  }
  SECTION("a file that is gone") {
    fs::remove(file);
    CHECK_FALSE(LoadDefinitionFileCached(file));
  }
}

TEST_CASE("resolving a name twice reads the folder's files once") {
  Folder folder;
  folder.Write("a.yaml", Definition("a", 1));
  folder.Write("b.yaml", Definition("b", 1));
  const auto before = DefinitionFileCacheStatsNow();
  auto first = weft::dsl::ResolveDefinition("a", folder.path);
  REQUIRE(first);
  auto second = weft::dsl::ResolveDefinition("a", folder.path);
  REQUIRE(second);
  CHECK(first->get() == second->get());
  CHECK(DefinitionFileCacheStatsNow().loads - before.loads == 2);  // a.yaml and b.yaml, once
  folder.Write("a.yaml", "dsl: 1\nname: a\nsteps: [\n");
  auto broken = weft::dsl::ResolveDefinition("a", folder.path);
  REQUIRE_FALSE(broken);
  CHECK_FALSE(broken.error().diagnostics.empty());
}

}  // namespace
