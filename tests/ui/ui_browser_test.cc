// `weft ui` in a real browser: headless Chromium from Debian driven by puppeteer-core from npm
// (both installed by scripts/setup --tests; puppeteer downloads no browser), through the page
// as a user clicks it (tests/ui/ui_browser_session.mjs). Here: a project folder with the
// workflows of tests/ui/workflows, `weft ui` on a free loopback port over an embedded journal,
// and the session run against it with a deadline; the server is killed with the test.
//
// WEFT_UI_SCREENSHOTS names a folder to keep the session's screenshots in (docs/screenshots
// were taken so).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>

#include "tests/support/child_process.h"
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

}  // namespace

TEST_CASE("A user starts, follows, signals and inspects runs in the browser") {
  const std::string puppeteer = Environment("WEFT_PUPPETEER");
  INFO("puppeteer-core is installed by scripts/setup --tests into " << puppeteer);
  REQUIRE(std::filesystem::exists(puppeteer + "/node_modules/puppeteer-core/package.json"));
  const std::string chromium = Environment("WEFT_CHROMIUM", "/usr/bin/chromium");
  INFO("Chromium comes from Debian's package `chromium` (scripts/setup --tests)");
  REQUIRE(std::filesystem::exists(chromium));

  const std::filesystem::path project =
      std::filesystem::temp_directory_path() / ("weft-ui-browser-" + std::to_string(::getpid()));
  std::filesystem::remove_all(project);
  std::filesystem::create_directories(project);
  std::filesystem::copy(kSourceDir + "/tests/ui/workflows", project / "workflows");
  const std::filesystem::path screenshots =
      Environment("WEFT_UI_SCREENSHOTS", (project / "screenshots").string());
  // The page's and the background engine's files stay in the project folder.
  std::filesystem::create_directories(screenshots);

  auto ui = ChildProcess::Start({WeftBinary(), "ui", "--port", "0", "--workflows",
                                 (project / "workflows").string(), "--journal",
                                 (project / ".weft/journal.db").string()});
  ui->WaitForOutput("weft ui at ", std::chrono::seconds(20));
  std::smatch found;
  const std::string log = ui->LogTail();
  REQUIRE(std::regex_search(log, found, std::regex(R"(weft ui at (http://127\.0\.0\.1:\d+/))")));
  const std::string url = found[1];

  auto session =
      RunProcess({"timeout", "180", "node", kSourceDir + "/tests/ui/ui_browser_session.mjs", url,
                  puppeteer, chromium, screenshots.string()});
  INFO("session:\n" << session.out << session.err << "\nweft ui:\n" << ui->LogTail(8000));
  CHECK(session.exit_code == 0);
  CHECK_THAT(session.out, Catch::Contains("ok: the session passed"));

  ui->Stop();
  // The background engine the page's runs got lingers briefly after its last run; it holds
  // nothing the folder's removal needs.
  std::error_code ignored;
  std::filesystem::remove_all(project, ignored);
}
