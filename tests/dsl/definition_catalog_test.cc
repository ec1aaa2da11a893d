// The definition catalog over a real temporary folder: files added, changed, broken (the last
// good version stays served), removed, and two versions of one name side by side.
#include "dsl/definition_catalog.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "dsl/codes.h"

namespace {

using weft::dsl::DefinitionCatalog;
using weft::dsl::FormatDiagnostic;
namespace fs = std::filesystem;

// A fresh folder under the system's temporary directory, removed at the end of the test.
class TempFolder {
 public:
  TempFolder() {
    path_ = fs::temp_directory_path() /
            ("weft-catalog-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

  // Writes `text` and stamps the file with a time later than any before, so that a rewrite
  // within one tick of the file system's clock still counts as a change.
  void Write(const std::string& name, const std::string& text) {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::trunc) << text;
    fs::last_write_time(file, clock_ += std::chrono::seconds(1));
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
  fs::file_time_type clock_ = fs::file_time_type::clock::now();
};

std::string Workflow(const std::string& name, int version, const std::string& greeting) {
  return "dsl: 1\nname: " + name + "\nversion: " + std::to_string(version) +
         "\nvars: {greeting: ''}\nsteps:\n  - id: greet\n    set: {greeting: " + greeting +
         "}\noutput: ${ vars.greeting }\n";
}

}  // namespace

TEST_CASE("a rescan serves added files and reports what changed") {
  TempFolder folder;
  folder.Write("hello.yaml", Workflow("hello", 1, "hi"));
  folder.Write("bye.yml", Workflow("bye", 1, "bye"));
  folder.Write("notes.txt", "not a definition");
  DefinitionCatalog catalog(folder.path());

  CHECK(catalog.Find("hello") == nullptr);  // nothing before the first scan
  auto scan = catalog.Rescan();
  for (const auto& [path, diagnostics] : scan.invalid) {
    for (const auto& diagnostic : diagnostics) FAIL_CHECK(FormatDiagnostic(diagnostic));
  }
  CHECK(scan.changed == std::vector<std::string>{"bye", "hello"});
  CHECK(scan.removed.empty());
  CHECK(scan.invalid.empty());
  REQUIRE(catalog.Find("hello") != nullptr);
  CHECK(catalog.Find("hello")->file == (folder.path() / "hello.yaml").string());
  CHECK(catalog.List().size() == 2);
  CHECK(catalog.Find("nope") == nullptr);

  // Nothing changed: nothing reloaded, nothing reported.
  const auto served = catalog.Find("hello");
  scan = catalog.Rescan();
  CHECK(scan.changed.empty());
  CHECK(catalog.Find("hello") == served);
}

TEST_CASE("a changed file serves its new definition; a rewrite with the same text is no change") {
  TempFolder folder;
  folder.Write("hello.yaml", Workflow("hello", 1, "hi"));
  DefinitionCatalog catalog(folder.path());
  catalog.Rescan();
  const auto first = catalog.Find("hello");

  folder.Write("hello.yaml", Workflow("hello", 1, "hello there"));
  auto scan = catalog.Rescan();
  CHECK(scan.changed == std::vector<std::string>{"hello"});
  REQUIRE(catalog.Find("hello") != nullptr);
  CHECK(catalog.Find("hello")->sha256 != first->sha256);

  const auto second = catalog.Find("hello");
  folder.Write("hello.yaml", Workflow("hello", 1, "hello there"));
  scan = catalog.Rescan();
  CHECK(scan.changed.empty());
  CHECK(catalog.Find("hello")->sha256 == second->sha256);
}

TEST_CASE("a broken file keeps its last good definition served and reports its diagnostics") {
  TempFolder folder;
  folder.Write("hello.yaml", Workflow("hello", 1, "hi"));
  DefinitionCatalog catalog(folder.path());
  catalog.Rescan();
  const auto good = catalog.Find("hello");

  folder.Write("hello.yaml", "dsl: 1\nname: hello\nsteps:\n  - id: greet\n    sett: {}\n");
  auto scan = catalog.Rescan();
  CHECK(scan.changed.empty());
  CHECK(scan.removed.empty());
  REQUIRE(scan.invalid.size() == 1);
  CHECK(scan.invalid[0].first == folder.path() / "hello.yaml");
  REQUIRE_FALSE(scan.invalid[0].second.empty());
  CHECK(scan.invalid[0].second[0].file == (folder.path() / "hello.yaml").string());
  CHECK(catalog.Find("hello") == good);

  // Reported once: an unchanged broken file is not reloaded; but it stays among the problems.
  CHECK(catalog.Rescan().invalid.empty());
  REQUIRE(catalog.Problems().size() == 1);
  CHECK(catalog.Problems()[0].first == folder.path() / "hello.yaml");
  CHECK(catalog.Problems()[0].second[0].code == scan.invalid[0].second[0].code);

  // A file that never loaded serves nothing.
  folder.Write("new.yaml", "dsl: 1\nname: [");
  scan = catalog.Rescan();
  CHECK(scan.invalid.size() == 1);
  CHECK(catalog.List().size() == 1);

  CHECK(catalog.Problems().size() == 2);

  // Fixed: served again, and no longer a problem.
  folder.Write("hello.yaml", Workflow("hello", 1, "fixed"));
  scan = catalog.Rescan();
  CHECK(scan.changed == std::vector<std::string>{"hello"});
  CHECK(catalog.Find("hello")->sha256 != good->sha256);
  REQUIRE(catalog.Problems().size() == 1);
  CHECK(catalog.Problems()[0].first == folder.path() / "new.yaml");
}

TEST_CASE("a removed file takes its definitions away") {
  TempFolder folder;
  folder.Write("hello.yaml", Workflow("hello", 1, "hi"));
  folder.Write("bye.yaml", Workflow("bye", 1, "bye"));
  DefinitionCatalog catalog(folder.path());
  catalog.Rescan();

  fs::remove(folder.path() / "bye.yaml");
  auto scan = catalog.Rescan();
  CHECK(scan.removed == std::vector<std::string>{"bye"});
  CHECK(scan.changed.empty());
  CHECK(catalog.Find("bye") == nullptr);
  CHECK(catalog.Find("hello") != nullptr);

  // A file renamed inside: the name it defined goes, the new one comes.
  folder.Write("hello.yaml", Workflow("greet", 1, "hi"));
  scan = catalog.Rescan();
  CHECK(scan.removed == std::vector<std::string>{"hello"});
  CHECK(scan.changed == std::vector<std::string>{"greet"});
}

TEST_CASE("two versions of one name are served side by side; the newest by default") {
  TempFolder folder;
  folder.Write("order-v1.yaml", Workflow("order", 1, "one"));
  folder.Write("order-v2.yaml", Workflow("order", 2, "two"));
  DefinitionCatalog catalog(folder.path());
  auto scan = catalog.Rescan();
  CHECK(scan.changed == std::vector<std::string>{"order"});

  REQUIRE(catalog.Find("order") != nullptr);
  CHECK(catalog.Find("order")->version == 2);
  REQUIRE(catalog.Find("order", 1) != nullptr);
  CHECK(catalog.Find("order", 1)->version == 1);
  CHECK(catalog.Find("order", 3) == nullptr);
  const auto list = catalog.List();
  REQUIRE(list.size() == 2);
  CHECK(list[0]->version == 1);
  CHECK(list[1]->version == 2);

  // Dropping one version changes the name but does not remove it.
  fs::remove(folder.path() / "order-v2.yaml");
  scan = catalog.Rescan();
  CHECK(scan.changed == std::vector<std::string>{"order"});
  CHECK(scan.removed.empty());
  CHECK(catalog.Find("order")->version == 1);
}

TEST_CASE(
    "two files with the same name and version: the first path serves, the other is reported") {
  TempFolder folder;
  folder.Write("a.yaml", Workflow("order", 1, "a"));
  folder.Write("b.yaml", Workflow("order", 1, "b"));
  DefinitionCatalog catalog(folder.path());
  const auto scan = catalog.Rescan();
  REQUIRE(scan.invalid.size() == 1);
  CHECK(scan.invalid[0].first == folder.path() / "b.yaml");
  REQUIRE(scan.invalid[0].second.size() == 1);
  CHECK(scan.invalid[0].second[0].code == weft::dsl::codes::kDuplicateDefinition);
  CHECK(catalog.Find("order")->file == (folder.path() / "a.yaml").string());
  CHECK(catalog.List().size() == 1);
}

TEST_CASE("the known activities are checked as weft validate does") {
  TempFolder folder;
  folder.Write("calls.yaml",
               "dsl: 1\nname: calls\nsteps:\n  - id: c\n    call: nope.missing\n"
               "    timeouts: {start_to_close: 5s}\n");
  DefinitionCatalog catalog(folder.path(), {.known_activities = std::set<std::string>{"log"}});
  const auto scan = catalog.Rescan();
  REQUIRE(scan.invalid.size() == 1);
  CHECK(scan.invalid[0].second[0].code == weft::dsl::codes::kUnknownActivity);
  CHECK(catalog.Find("calls") == nullptr);
}

TEST_CASE("a file refused for an unknown activity is served once the activity is") {
  TempFolder folder;
  folder.Write("calls.yaml",
               "dsl: 1\nname: calls\nsteps:\n  - id: c\n    call: billing.charge\n"
               "    timeouts: {start_to_close: 5s}\n");
  // A Lua module that appears while the worker runs: the dynamic part of its registry.
  std::atomic<bool> module_exists{false};
  DefinitionCatalog catalog(folder.path(), {.known_activities = std::set<std::string>{"log"},
                                            .serves_activity = [&](std::string_view name) {
                                              return module_exists.load() &&
                                                     name == "billing.charge";
                                            }});
  REQUIRE(catalog.Rescan().invalid.size() == 1);
  // Refused again, unchanged: not reported again (a worker logs each refusal once).
  CHECK(catalog.Rescan().invalid.empty());
  CHECK(catalog.Find("calls") == nullptr);
  module_exists = true;
  const auto scan = catalog.Rescan();
  CHECK(scan.invalid.empty());
  CHECK(scan.changed == std::vector<std::string>{"calls"});
  CHECK(catalog.Find("calls") != nullptr);
}

TEST_CASE("a folder that does not exist is an empty catalog") {
  DefinitionCatalog catalog(fs::temp_directory_path() / "weft-catalog-does-not-exist");
  const auto scan = catalog.Rescan();
  CHECK(scan.changed.empty());
  CHECK(catalog.List().empty());
}
