// `weft ui` in a real browser: headless Chromium from Debian driven by puppeteer-core from npm
// (both installed by scripts/setup --tests; puppeteer downloads no browser), through the page
// as a user clicks it (tests/ui/ui_browser_session.mjs). Here: a project folder with the
// workflows of tests/ui/workflows, `weft ui` on a free loopback port, and the session run
// against it with a deadline; every server is killed with the test. The same session runs over
// an embedded journal ([embedded]) and over a Temporal dev server that a `weft worker` serves
// ([temporal]).
//
// WEFT_UI_SCREENSHOTS names a folder to keep the session's screenshots in (docs/screenshots
// were taken so, from the embedded session).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/dev_server.h"
#include "tests/support/subprocess.h"

using weft::testing::ChildProcess;
using weft::testing::RunProcess;
using weft::testing::WeftBinary;

namespace {

const std::string kSourceDir = WEFT_SOURCE_DIR;

std::string Environment(const char* name, const std::string& fallback = "") {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// A folder with the test's workflows, removed when the test ends.
class Project {
 public:
  explicit Project(const std::string& engine)
      : path_(std::filesystem::temp_directory_path() /
              ("weft-ui-browser-" + engine + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    std::filesystem::copy(kSourceDir + "/tests/ui/workflows", path_ / "workflows");
  }
  ~Project() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Starts `weft ui` with `flags` and runs the browser session against it.
void RunSession(const Project& project, const std::vector<std::string>& flags,
                const std::string& engine) {
  const std::string puppeteer = Environment("WEFT_PUPPETEER");
  INFO("puppeteer-core is installed by scripts/setup --tests into " << puppeteer);
  REQUIRE(std::filesystem::exists(puppeteer + "/node_modules/puppeteer-core/package.json"));
  const std::string chromium = Environment("WEFT_CHROMIUM", "/usr/bin/chromium");
  INFO("Chromium comes from Debian's package `chromium` (scripts/setup --tests)");
  REQUIRE(std::filesystem::exists(chromium));
  const std::string screenshots = Environment("WEFT_UI_SCREENSHOTS", project / "screenshots");
  std::filesystem::create_directories(screenshots);

  std::vector<std::string> argv = {WeftBinary(), "ui",          "--port",
                                   "0",          "--workflows", project / "workflows"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  auto ui = ChildProcess::Start(argv);
  ui->WaitForOutput("weft ui at ", std::chrono::seconds(20));
  std::smatch found;
  const std::string log = ui->LogTail();
  REQUIRE(std::regex_search(log, found, std::regex(R"(weft ui at (http://127\.0\.0\.1:\d+/))")));
  const std::string url = found[1];

  auto session =
      RunProcess({"timeout", "180", "node", kSourceDir + "/tests/ui/ui_browser_session.mjs", url,
                  puppeteer, chromium, screenshots, engine});
  INFO("session:\n" << session.out << session.err << "\nweft ui:\n" << ui->LogTail(8000));
  CHECK(session.exit_code == 0);
  CHECK_THAT(session.out, Catch::Contains("ok: the session passed"));
  ui->Stop();
}

}  // namespace

TEST_CASE("A user starts, follows, signals and inspects runs in the browser", "[embedded]") {
  Project project("embedded");
  RunSession(project, {"--journal", project / ".weft/journal.db"}, "embedded");
}

TEST_CASE("The same on a Temporal dev server that weft worker serves", "[temporal]") {
  weft::testing::DevServer& server = weft::testing::DevServer::Shared();
  Project project("temporal");
  const std::string queue = "ui-" + std::to_string(::getpid());
  auto worker = ChildProcess::Start({WeftBinary(), "worker", "--address", server.address(),
                                     "--task-queue", queue, "--workflows", project / "workflows"});
  worker->WaitForOutput("weft worker on task queue", std::chrono::seconds(30));
  RunSession(project, {"--address", server.address(), "--task-queue", queue}, "temporal");
}
