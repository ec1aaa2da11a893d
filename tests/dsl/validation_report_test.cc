// ValidateDefinitions and its report as a specification: folders searched recursively in sorted
// order for *.yaml and *.yml, a missing path reported rather than skipped, a `call` of an
// activity that is not registered, and the text and JSON that `weft validate` prints.
#include "dsl/validation_report.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "dsl/codes.h"

namespace {

namespace fs = std::filesystem;
using weft::dsl::DefinitionFiles;
using weft::dsl::ValidateDefinitions;
using weft::dsl::ValidationReport;

constexpr char kGreet[] = R"(dsl: 1
name: greet
steps:
  - id: say
    call: log
    args: {message: hi}
    timeouts: {start_to_close: 10s}
)";

class Folder {
 public:
  Folder()
      : root_(fs::temp_directory_path() /
              ("weft-validate-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++))) {
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~Folder() { fs::remove_all(root_); }
  std::string Write(const std::string& name, const std::string& text) const {
    fs::create_directories((root_ / name).parent_path());
    std::ofstream(root_ / name) << text;
    return Path(name);
  }
  std::string Path(const std::string& name) const { return (root_ / name).string(); }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

}  // namespace

TEST_CASE("folders are searched recursively for definitions, in sorted order") {
  Folder folder;
  folder.Write("b.yaml", kGreet);
  folder.Write("nested/a.yml", kGreet);
  folder.Write("notes.txt", "not a definition");
  const auto files = DefinitionFiles({folder.Path("."), folder.Path("missing.yaml")});
  REQUIRE(files.size() == 3);
  CHECK(files[0].filename() == "b.yaml");
  CHECK(files[1].filename() == "a.yml");
  CHECK(files[2].filename() == "missing.yaml");
}

TEST_CASE("a valid file is ok, with its name, version and hash") {
  Folder folder;
  const std::string file = folder.Write("greet.yaml", kGreet);
  const ValidationReport report = ValidateDefinitions({file}, {});
  REQUIRE(report.files.size() == 1);
  CHECK(report.valid());
  const std::string sha = report.files[0].definition->sha256;
  CHECK(report.Text() ==
        file + ": ok (greet v1, sha256 " + sha.substr(0, 12) + ")\n1 file, 0 invalid, 0 errors\n");
  const auto json = report.ToJson();
  CHECK(json["valid"] == true);
  CHECK(json["files"][0]["sha256"] == sha);
  CHECK(json["files"][0]["diagnostics"].empty());
}

TEST_CASE("an unknown activity and a missing file are errors, with where and why") {
  Folder folder;
  const std::string file = folder.Write("greet.yaml", kGreet);
  const ValidationReport report = ValidateDefinitions(
      {file, folder.Path("missing.yaml")}, {.known_activities = std::set<std::string>{"echo"}});
  CHECK_FALSE(report.valid());
  CHECK(report.invalid_files() == 2);
  CHECK(report.errors() == 2);
  const auto json = report.ToJson();
  CHECK(json["files"][0]["diagnostics"][0]["code"] == weft::dsl::codes::kUnknownActivity);
  CHECK(json["files"][1]["diagnostics"][0]["code"] == weft::dsl::codes::kUnreadableFile);
  const std::string text = report.Text();
  // The diagnostic quotes the line it points at.
  CHECK_THAT(text, Catch::Contains(file + ":5:11: error[WEFT1206]"));
  CHECK_THAT(text, Catch::Contains("call: log"));
  CHECK_THAT(text, Catch::EndsWith("2 files, 2 invalid, 2 errors\n"));
}

TEST_CASE("no files is not valid, and prints nothing") {
  Folder folder;
  const ValidationReport report = ValidateDefinitions({folder.Path(".")}, {});
  CHECK(report.files.empty());
  CHECK_FALSE(report.valid());
  CHECK(report.Text().empty());
  CHECK(report.ToJson()["valid"] == false);
}
