// ValidateProjectDefinitions: `weft validate` without the binary. Calls are checked against the
// project's registry: built-ins, plugins and the Lua modules of its folder.
#include "activities/project_validation.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

// A project folder under the system's temporary directory: activities/ and workflows/.
class Project {
 public:
  Project() {
    root_ = fs::temp_directory_path() / ("weft-project-validation-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter_++));
    fs::create_directories(root_ / "activities");
    fs::create_directories(root_ / "workflows");
  }
  ~Project() { fs::remove_all(root_); }
  Project(const Project&) = delete;
  Project& operator=(const Project&) = delete;

  std::string Write(const std::string& file, const std::string& text) const {
    std::ofstream(root_ / file) << text;
    return (root_ / file).string();
  }
  // A definition whose one step calls `activity`.
  std::string WriteCalling(const std::string& name, const std::string& activity) const {
    return Write("workflows/" + name + ".yaml", "dsl: 1\nname: " + name +
                                                    "\nsteps:\n  - id: one\n    call: " + activity +
                                                    "\n    timeouts: {start_to_close: 10s}\n");
  }
  weft::activities::RegistryOptions Registry() const { return {.lua_dir = root_ / "activities"}; }
  std::string workflows() const { return (root_ / "workflows").string(); }

 private:
  static inline int counter_ = 0;
  fs::path root_;
};

}  // namespace

TEST_CASE("a call of a built-in or of a Lua module of the project is valid") {
  Project project;
  project.Write("activities/shop.lua", "local M = {}\nfunction M.price() return 3 end\nreturn M\n");
  project.WriteCalling("priced", "shop.price");
  project.WriteCalling("logged", "log");
  auto report =
      weft::activities::ValidateProjectDefinitions({project.workflows()}, project.Registry());
  REQUIRE(report);
  CHECK(report->files.size() == 2);
  CHECK(report->valid());
}

TEST_CASE("a call of an activity no one registered is an error, with the closest name") {
  Project project;
  project.Write("activities/shop.lua", "local M = {}\nfunction M.price() return 3 end\nreturn M\n");
  const std::string file = project.WriteCalling("typo", "shop.prize");
  auto report = weft::activities::ValidateProjectDefinitions({file}, project.Registry());
  REQUIRE(report);
  CHECK_FALSE(report->valid());
  REQUIRE(report->files.size() == 1);
  REQUIRE(report->files[0].diagnostics.size() == 1);
  const weft::dsl::Diagnostic& diagnostic = report->files[0].diagnostics[0];
  CHECK(diagnostic.code == "WEFT1206");
  CHECK_THAT(diagnostic.message, Catch::Contains("unknown activity `shop.prize`"));
  CHECK_THAT(diagnostic.hint, Catch::Contains("did you mean `shop.price`?"));
}

TEST_CASE("a call into a Lua module that does not load names the module and its error") {
  Project project;
  project.Write("activities/broken.lua", "local M = {\nfunction M.x() end\n");
  const std::string file = project.WriteCalling("into-broken", "broken.x");
  auto report = weft::activities::ValidateProjectDefinitions({file}, project.Registry());
  REQUIRE(report);
  REQUIRE(report->files.size() == 1);
  REQUIRE(report->files[0].diagnostics.size() == 1);
  const weft::dsl::Diagnostic& diagnostic = report->files[0].diagnostics[0];
  CHECK_THAT(diagnostic.message, Catch::Contains("its module `broken` does not load"));
  CHECK_THAT(diagnostic.hint, Catch::Contains("broken.lua:2:"));
}

TEST_CASE("a registry that cannot be built is the error, and nothing is validated") {
  Project project;
  const std::string file = project.WriteCalling("logged", "log");
  auto report =
      weft::activities::ValidateProjectDefinitions({file}, {.plugins = {"/nonexistent/lib.so"}});
  REQUIRE_FALSE(report);
  CHECK(report.error().type == "PluginError");
}
