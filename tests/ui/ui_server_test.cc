// `weft ui`'s server on loopback with cpp-httplib as the browser: the page's files with their
// security headers, the workflows of tests/ui/workflows (a broken one with its diagnostics),
// starting a run with its input checked, the runs listing with its filters and counts, one
// run's description, graph and step states, and the guard in front of it all. No engine
// executes the runs here (no background engine): they stay pending, which is all the API needs;
// ui_browser_test runs them. RunUiService: the server for the lifetime of `weft ui`, until a
// stop signal (sent to this thread, which waits for it).
#include "ui/ui_server.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

using nlohmann::json;

namespace {

class UiFixture {
 public:
  UiFixture() {
    folder_ = std::filesystem::temp_directory_path() /
              ("weft-ui-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(folder_);
    weft::ui::UiServerOptions options;
    options.address = "127.0.0.1:0";
    options.api.workflows = std::string(WEFT_SOURCE_DIR) + "/tests/ui/workflows";
    options.api.client.embedded.journal = folder_ / "journal.db";
    options.api.client.embedded.workflows = options.api.workflows;
    auto server = weft::ui::StartUiServer(std::move(options));
    REQUIRE(server);
    server_ = std::move(*server);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_.http->port());
  }
  ~UiFixture() {
    server_.http->Stop();
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }

  httplib::Client& client() { return *client_; }
  const weft::ui::UiServer& server() const { return server_; }

  json Get(const std::string& path, int status = 200) {
    auto answer = client_->Get(path);
    REQUIRE(answer);
    INFO(answer->body);
    CHECK(answer->status == status);
    return json::parse(answer->body);
  }
  json Post(const std::string& path, const json& body, int status = 200) {
    auto answer = client_->Post(path, {{"X-Weft-Request", "1"}}, body.dump(), "application/json");
    REQUIRE(answer);
    INFO(answer->body);
    CHECK(answer->status == status);
    return json::parse(answer->body);
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path folder_;
  weft::ui::UiServer server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace

TEST_CASE("The page's files are served from the binary with a strict content security policy") {
  UiFixture ui;
  CHECK(ui.server().token.empty());
  CHECK(ui.server().url == "http://" + ui.server().http->address() + "/");
  auto page = ui.client().Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK_THAT(page->get_header_value("Content-Security-Policy"),
             Catch::Contains("script-src 'self'"));
  CHECK_THAT(page->body, Catch::Contains("<script src=\"/app.js\""));
  auto script = ui.client().Get("/app.js");
  REQUIRE(script);
  CHECK(script->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(ui.client().Get("/nothing")->status == 404);
}

TEST_CASE(
    "The workflows: each definition with its graph and handlers; a broken file with its "
    "diagnostics") {
  UiFixture ui;
  const json answer = ui.Get("/api/workflows");
  REQUIRE(answer["workflows"].size() == 3);  // approval, long-history, rejection
  const json& approval = answer["workflows"][0];
  CHECK(approval["name"] == "approval");
  CHECK(approval["version"] == 1);
  CHECK(approval["sha256"].get<std::string>().size() == 64);
  CHECK(approval["input_schema"]["required"] == json{"name"});
  CHECK(approval["handlers"]["signals"][0]["name"] == "approve");
  CHECK(approval["handlers"]["queries"][0]["name"] == "who");
  json steps = json::array();
  for (const json& node : approval["graph"]["nodes"]) {
    if (!node["step"].get<std::string>().empty()) steps.push_back(node["step"]);
  }
  CHECK(steps == json{"note", "approve", "done"});
  CHECK(approval["graph"]["edges"].size() == 4);  // start, note, approve, done, end in a line

  REQUIRE(answer["invalid"].size() == 1);
  CHECK_THAT(answer["invalid"][0]["file"].get<std::string>(), Catch::EndsWith("broken.yaml"));
  CHECK(answer["invalid"][0]["diagnostics"].dump().find("WEFT1102") != std::string::npos);
}

TEST_CASE("A start is checked against the input schema, then the run is listed and described") {
  UiFixture ui;
  const json refused = ui.Post("/api/workflows/approval/start", {{"input", json::object()}}, 400);
  CHECK(refused["input_errors"].size() == 1);
  ui.Post("/api/workflows/nope/start", {{"input", json::object()}}, 404);

  const json started = ui.Post(
      "/api/workflows/approval/start",
      {{"input", {{"name", "<script>alert(1)</script>"}}}, {"workflow_id", "approval-one"}});
  CHECK(started["workflow_id"] == "approval-one");
  ui.Post("/api/workflows/rejection/start", {{"input", {{"name", "bob"}}}});

  const json all = ui.Get("/api/runs");
  CHECK(all["total"] == 2);
  CHECK(all["counts"] == json{{"pending", 2}});
  CHECK(all["runs"][0]["workflow"] == "rejection");  // newest first
  CHECK(ui.Get("/api/runs?workflow=approval")["total"] == 1);
  CHECK(ui.Get("/api/runs?q=one")["runs"][0]["workflow_id"] == "approval-one");
  CHECK(ui.Get("/api/runs?status=completed")["total"] == 0);
  CHECK(ui.Get("/api/runs?page_size=1&page=1")["runs"].size() == 1);
  ui.Get("/api/runs?status=sleepy", 400);

  const json run = ui.Get("/api/runs/approval-one");
  CHECK(run["run"]["status"] == "pending");
  CHECK(run["run"]["input"]["name"] == "<script>alert(1)</script>");
  CHECK(run["definition"]["version"] == 1);
  CHECK(run["definition"]["differs"] == false);
  CHECK(run["handlers"]["signals"][0]["name"] == "approve");
  CHECK(run["graph"]["nodes"].size() == 5);
  ui.Get("/api/runs/nobody", 404);
}

TEST_CASE("State changes without the request header, or from another origin or host, are refused") {
  UiFixture ui;
  const std::string body = R"({"input": {"name": "x"}})";
  auto bare = ui.client().Post("/api/workflows/approval/start", body, "application/json");
  CHECK(bare->status == 403);
  auto cross = ui.client().Post("/api/workflows/approval/start",
                                {{"X-Weft-Request", "1"}, {"Origin", "http://evil.example"}}, body,
                                "application/json");
  CHECK(cross->status == 403);
  auto rebound = ui.client().Get("/api/runs", {{"Host", "evil.example"}});
  CHECK(rebound->status == 403);
  CHECK(ui.Get("/api/runs")["total"] == 0);
}

TEST_CASE("Without an address, a project's runs go to its journal, made absolute, folder made") {
  const auto folder =
      std::filesystem::temp_directory_path() / ("weft-ui-project-" + std::to_string(::getpid()));
  std::filesystem::remove_all(folder);
  const weft::client::ForegroundOptions engine{.journal = folder / "state/journal.db",
                                               .workflows = "flows"};
  const weft::ui::UiOptions options = weft::ui::ProjectUiOptions({.address = ""}, engine, "queue");
  CHECK(options.workflows == "flows");
  CHECK(options.task_queue == "queue");
  CHECK(options.client.temporal.address.empty());
  CHECK(options.client.embedded.journal == folder / "state/journal.db");
  CHECK(std::filesystem::is_directory(folder / "state"));
  std::filesystem::remove_all(folder);
}

TEST_CASE("With an address, a project's runs go to Temporal and no journal folder is made") {
  const auto folder =
      std::filesystem::temp_directory_path() / ("weft-ui-temporal-" + std::to_string(::getpid()));
  const weft::client::ForegroundOptions engine{.journal = folder / "journal.db"};
  const weft::ui::UiOptions options =
      weft::ui::ProjectUiOptions({.address = "127.0.0.1:7233"}, engine, "weft");
  CHECK(options.client.temporal.address == "127.0.0.1:7233");
  CHECK(options.workflows == "workflows");
  CHECK_FALSE(std::filesystem::exists(folder));
}

TEST_CASE("As a service, the server is announced once it listens and serves until a stop signal") {
  const pthread_t waiting = ::pthread_self();
  weft::ui::UiServerOptions options;
  options.address = "127.0.0.1:0";
  options.api.workflows = std::string(WEFT_SOURCE_DIR) + "/tests/ui/workflows";
  std::string url;
  auto served = weft::ui::RunUiService(options, [&](const weft::ui::UiServer& server) {
    url = server.url;
    httplib::Client client("127.0.0.1", server.http->port());
    auto page = client.Get("/");
    CHECK((page && page->status == 200));
    ::pthread_kill(waiting, SIGTERM);
  });
  CHECK(served);
  CHECK(url.starts_with("http://127.0.0.1:"));
}

TEST_CASE("As a service, a server that cannot listen ends it with the reason") {
  UiFixture taken;
  const std::string address = "127.0.0.1:" + std::to_string(taken.server().http->port());
  weft::ui::UiServerOptions options;
  options.address = address;
  bool announced = false;
  auto served =
      weft::ui::RunUiService(options, [&](const weft::ui::UiServer&) { announced = true; });
  REQUIRE_FALSE(served);
  CHECK_THAT(served.error(), Catch::Contains(address));
  CHECK_FALSE(announced);
}
