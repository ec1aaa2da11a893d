// `weft worker --metrics-address` against a dev server: after real runs (completed, failed,
// cancelled, continued as new, an activity that fails, a local activity) /metrics holds the
// Temporal SDKs' metrics with the values those runs give, under sdk-core's names, labels and
// buckets; weft's own metrics follow the workflows folder; /healthz and /readyz answer, and
// /readyz follows the connection to a server that goes away and comes back.

#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "runtime/http/http_server.h"
#include "tests/support/dev_server.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::ConnectClient;
using weft::testing::DevServer;
using weft::testing::StartWeftWorker;
using weft::testing::TempFolder;
using weft::testing::UniqueName;

constexpr char kHello[] = R"(dsl: 1
name: metrics-hello
input:
  type: object
  required: [name]
  properties: {name: {type: string}}
steps:
  - id: greet
    call: log
    args: {message: '${ "Hello, " + input.name }'}
    timeouts: {start_to_close: 10s}
  - id: note
    call: log
    local: true
    args: {message: noted}
    timeouts: {start_to_close: 10s}
output: '${ {"greeting": "Hello, " + input.name} }'
)";

constexpr char kFails[] = R"(dsl: 1
name: metrics-fails
steps:
  - id: reject
    fail: {type: Rejected, message: no}
)";

constexpr char kActivityFails[] = R"(dsl: 1
name: metrics-activity-fails
steps:
  - id: parse
    call: json.parse
    args: {text: 'not json'}
    timeouts: {start_to_close: 10s}
)";

constexpr char kLoops[] = R"(dsl: 1
name: metrics-loops
input:
  type: object
  required: [round]
  properties: {round: {type: integer}}
steps:
  - id: again
    when: ${ input.round < 1 }
    return: {continue_as_new: {input: {round: '${ input.round + 1 }'}}}
output: '${ {"rounds": input.round} }'
)";

constexpr char kWaits[] = R"(dsl: 1
name: metrics-waits
handlers:
  signals:
    go: {}
steps:
  - id: wait
    await: {signal: go, timeout: 1h}
)";

// What /metrics says, one sample a line: "name{labels} value".
class Scrape {
 public:
  explicit Scrape(std::string text) : text_(std::move(text)) {}

  // The value of the series written exactly so, or nothing.
  std::optional<double> Find(const std::string& series) const {
    std::istringstream lines(text_);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    }
    return std::nullopt;
  }
  double Get(const std::string& series) const {
    auto value = Find(series);
    INFO(text_);
    REQUIRE(value.has_value());
    return *value;
  }
  // The `le` bounds of a histogram series' buckets, as written.
  std::vector<std::string> Bounds(const std::string& name, const std::string& labels) const {
    const std::string prefix = name + "_bucket{" + labels + ",le=\"";
    std::vector<std::string> bounds;
    std::istringstream lines(text_);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.starts_with(prefix)) continue;
      bounds.push_back(line.substr(prefix.size(), line.find('"', prefix.size()) - prefix.size()));
    }
    return bounds;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class Endpoint {
 public:
  explicit Endpoint(int port) : client_("127.0.0.1", port) {
    client_.set_read_timeout(std::chrono::seconds(5));
  }
  Scrape Metrics() {
    auto response = client_.Get("/metrics");
    REQUIRE(response);
    REQUIRE(response->status == 200);
    CHECK(response->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
    return Scrape(response->body);
  }
  // Scrapes until `series` has `value` (a worker records a task's metrics when the server's
  // answer to it arrives, which may be a moment after a client sees the run closed).
  Scrape WaitFor(const std::string& series, double value,
                 std::chrono::seconds timeout = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      Scrape scrape = Metrics();
      if (scrape.Find(series) == value) return scrape;
      if (std::chrono::steady_clock::now() > deadline) {
        INFO(scrape.text());
        FAIL(series << " is " << scrape.Find(series).value_or(-1) << ", not " << value);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  std::pair<int, std::string> Get(const std::string& path) {
    auto response = client_.Get(path);
    if (!response) return {0, ""};
    return {response->status, response->body};
  }
  std::pair<int, std::string> WaitForStatus(const std::string& path, int status,
                                            std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto answer = Get(path);
    while (answer.first != status && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      answer = Get(path);
    }
    return answer;
  }

 private:
  httplib::Client client_;
};

std::string Labels(const std::string& queue, const std::string& more = "") {
  return "namespace=\"default\",task_queue=\"" + queue + "\"" + (more.empty() ? "" : "," + more);
}

}  // namespace

TEST_CASE("After runs on a dev server, /metrics holds the SDKs' metrics with their values") {
  const std::string address = DevServer::Shared().address();
  TempFolder workflows("weft-metrics");
  workflows.Write("metrics-hello.yaml", kHello);
  workflows.Write("metrics-fails.yaml", kFails);
  workflows.Write("metrics-activity-fails.yaml", kActivityFails);
  workflows.Write("metrics-loops.yaml", kLoops);
  workflows.Write("metrics-waits.yaml", kWaits);
  const std::string queue = UniqueName("weft-metrics");
  const int port = weft::testing::FreeLoopbackPort();
  auto worker = StartWeftWorker(
      address, queue, workflows.path(),
      {"--metrics-address", "127.0.0.1:" + std::to_string(port), "--rescan-seconds", "0.2"});
  INFO("weft worker:\n" << worker->LogTail());
  Endpoint endpoint(port);
  CHECK(endpoint.Get("/healthz") == std::pair<int, std::string>{200, "ok\n"});
  CHECK(endpoint.WaitForStatus("/readyz", 200, std::chrono::seconds(10)) ==
        std::pair<int, std::string>{200, "ready\n"});

  auto client = ConnectClient(address);
  auto run = [&](const std::string& workflow, const json& input) {
    auto started = client.Start(workflow, input, {.task_queue = queue});
    REQUIRE(started);
    return *started;
  };
  std::vector<weft::temporal::WorkflowExecution> hellos;
  for (const char* name : {"Ada", "Bob", "Cy"})
    hellos.push_back(run("metrics-hello", {{"name", name}}));
  const auto fails = run("metrics-fails", json::object());
  const auto activity_fails = run("metrics-activity-fails", json::object());
  const auto loops = run("metrics-loops", {{"round", 0}});
  const auto waits = run("metrics-waits", json::object());
  using Status = weft::temporal::WorkflowOutcome::Status;
  for (const auto& hello : hellos) CHECK(client.Result(hello)->status == Status::kCompleted);
  CHECK(client.Result(fails)->status == Status::kFailed);
  CHECK(client.Result(activity_fails)->status == Status::kFailed);
  CHECK(client.Result(loops)->result == json{{"rounds", 1}});
  weft::testing::WaitForEvent(client, waits.workflow_id, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED");
  REQUIRE(client.Cancel(waits, "metrics test"));
  CHECK(client.Result(waits)->status == Status::kCancelled);

  const std::string hello = Labels(queue, "workflow_type=\"metrics-hello\"");
  endpoint.WaitFor("temporal_workflow_completed{" + hello + "}", 3);
  endpoint.WaitFor(
      "temporal_workflow_failed{" + Labels(queue, "workflow_type=\"metrics-fails\"") + "}", 1);
  endpoint.WaitFor(
      "temporal_workflow_failed{" + Labels(queue, "workflow_type=\"metrics-activity-fails\"") + "}",
      1);
  endpoint.WaitFor(
      "temporal_workflow_continue_as_new{" + Labels(queue, "workflow_type=\"metrics-loops\"") + "}",
      1);
  endpoint.WaitFor(
      "temporal_workflow_completed{" + Labels(queue, "workflow_type=\"metrics-loops\"") + "}", 1);
  endpoint.WaitFor(
      "temporal_workflow_canceled{" + Labels(queue, "workflow_type=\"metrics-waits\"") + "}", 1);
  // No closed run stays in the cache, also when the cancellation's task came before the reply
  // to the task the test waited for.
  const Scrape scrape = endpoint.WaitFor("temporal_sticky_cache_size{" + Labels(queue) + "}", 0);
  INFO(scrape.text());

  {  // workflows: end-to-end latency in sdk-core's buckets, one per closed run
    CHECK(scrape.Get("temporal_workflow_endtoend_latency_count{" + hello + "}") == 3);
    CHECK(scrape.Get("temporal_workflow_endtoend_latency_bucket{" + hello + ",le=\"+Inf\"}") == 3);
    // Each run took less than a minute.
    CHECK(scrape.Get("temporal_workflow_endtoend_latency_bucket{" + hello + ",le=\"60000\"}") == 3);
    CHECK(scrape.Bounds("temporal_workflow_endtoend_latency", hello) ==
          std::vector<std::string>{"100", "500", "1000", "1500", "2000", "5000", "10000", "30000",
                                   "60000", "120000", "300000", "600000", "1800000", "3600000",
                                   "30600000", "86400000", "+Inf"});
    CHECK_FALSE(scrape.Find("temporal_workflow_failed{" + hello + "}"));
  }

  {  // workflow tasks: polls, schedule-to-start and execution latency agree
    const double polled =
        scrape.Get("temporal_workflow_task_queue_poll_succeed{" + Labels(queue) + "}");
    CHECK(scrape.Get("temporal_workflow_task_schedule_to_start_latency_count{" + Labels(queue) +
                     "}") == polled);
    // Each hello takes at least two tasks: one schedules the activity, one after it.
    const double hello_tasks =
        scrape.Get("temporal_workflow_task_execution_latency_count{" + hello + "}");
    CHECK(hello_tasks >= 6);
    CHECK(scrape.Bounds("temporal_workflow_task_execution_latency", hello) ==
          std::vector<std::string>{"1", "10", "20", "50", "100", "200", "500", "1000", "+Inf"});
    CHECK(scrape.Bounds("temporal_workflow_task_schedule_to_start_latency", Labels(queue)) ==
          std::vector<std::string>{"100", "500", "1000", "5000", "10000", "100000", "1000000",
                                   "+Inf"});
    // A hello's second task continues its run from the cache.
    CHECK(scrape.Get("temporal_sticky_cache_hit{" + hello + "}") >= 1);
    CHECK(scrape.Get("temporal_sticky_cache_size{" + Labels(queue) + "}") == 0);  // all closed
  }

  {  // activities: latency by type, the failed one counted, the local ones too
    const std::string log = Labels(queue, "activity_type=\"log\",workflow_type=\"metrics-hello\"");
    CHECK(scrape.Get("temporal_activity_execution_latency_count{" + log + "}") == 3);
    CHECK(scrape.Bounds("temporal_activity_execution_latency", log) ==
          std::vector<std::string>{"50", "100", "500", "1000", "5000", "10000", "60000", "+Inf"});
    CHECK_FALSE(scrape.Find("temporal_activity_execution_failed{" + log + "}"));
    CHECK(
        scrape.Get("temporal_activity_execution_failed{" +
                   Labels(queue,
                          "activity_type=\"json.parse\",workflow_type=\"metrics-activity-fails\"") +
                   "}") == 1);  // non-retryable: one attempt
    CHECK(scrape.Get("temporal_local_activity_total{" + log + "}") == 3);
    CHECK(scrape.Get("temporal_local_activity_execution_latency_count{" + log + "}") == 3);
    // Tasks that came by a poll, not eagerly with a workflow task's answer.
    const auto received = scrape.Find("temporal_activity_task_received{" + Labels(queue) + "}");
    CHECK(scrape.Find("temporal_activity_schedule_to_start_latency_count{" + Labels(queue) + "}") ==
          received);
  }

  {  // requests: counted and timed by RPC, long polls apart
    const std::string answered = "namespace=\"default\",operation=\"RespondWorkflowTaskCompleted\"";
    const double answers = scrape.Get("temporal_request{" + answered + "}");
    CHECK(answers >= 6 + 1 + 1 + 2 + 1);
    CHECK(scrape.Get("temporal_request_latency_count{" + answered + "}") == answers);
    const std::string polls = "namespace=\"default\",operation=\"PollWorkflowTaskQueue\"";
    CHECK(scrape.Get("temporal_long_request{" + polls + "}") >= 1);
    CHECK(scrape.Bounds("temporal_request_latency", answered) ==
          std::vector<std::string>{"50", "100", "500", "1000", "2500", "10000", "+Inf"});
    CHECK_FALSE(scrape.Find("temporal_request{" + polls + "}"));  // polls are long requests
  }

  {  // pollers and slots, once the polls are out again
    endpoint.WaitFor("temporal_num_pollers{" + Labels(queue, "poller_type=\"workflow_task\"") + "}",
                     5);
    endpoint.WaitFor(
        "temporal_num_pollers{" + Labels(queue, "poller_type=\"sticky_workflow_task\"") + "}", 2);
    endpoint.WaitFor("temporal_num_pollers{" + Labels(queue, "poller_type=\"activity_task\"") + "}",
                     8);
    // 16 activity slots, 8 of them held by the polls, none running anything.
    endpoint.WaitFor("temporal_worker_task_slots_available{" +
                         Labels(queue, "worker_type=\"ActivityWorker\"") + "}",
                     8);
    endpoint.WaitFor(
        "temporal_worker_task_slots_used{" + Labels(queue, "worker_type=\"ActivityWorker\"") + "}",
        0);
    endpoint.WaitFor(
        "temporal_worker_task_slots_used{" + Labels(queue, "worker_type=\"WorkflowWorker\"") + "}",
        0);
  }

  {  // weft's own: definitions loaded, reloads, load failures
    CHECK(scrape.Get("weft_definitions_loaded") == 5);
    CHECK(scrape.Get("weft_definition_reloads_total") == 0);
    CHECK(scrape.Get("weft_definition_load_failures_total") == 0);
    workflows.Write("metrics-extra.yaml",
                    "dsl: 1\nname: metrics-extra\nsteps:\n  - id: stop\n    return: 1\n");
    endpoint.WaitFor("weft_definition_reloads_total", 1);
    endpoint.WaitFor("weft_definitions_loaded", 6);
    workflows.Write("broken.yaml", "dsl: 1\nname: broken\nsteps: [nope\n");
    endpoint.WaitFor("weft_definition_load_failures_total", 1);
    CHECK(endpoint.Metrics().Get("weft_definitions_loaded") == 6);
  }
}

TEST_CASE("/readyz says not ready while the server is away, and ready once it is back") {
  auto server = DevServer::Start();
  TempFolder workflows("weft-readiness");
  workflows.Write("metrics-hello.yaml", kHello);
  const int port = weft::testing::FreeLoopbackPort();
  auto worker = StartWeftWorker(server->address(), UniqueName("weft-readiness"), workflows.path(),
                                {"--metrics-address", "127.0.0.1:" + std::to_string(port)});
  INFO("weft worker:\n" << worker->LogTail());
  Endpoint endpoint(port);
  REQUIRE(endpoint.WaitForStatus("/readyz", 200, std::chrono::seconds(10)).first == 200);

  server->Stop();
  const auto away = endpoint.WaitForStatus("/readyz", 503, std::chrono::seconds(20));
  CHECK(away.first == 503);
  CHECK(away.second ==
        "not ready: not connected to the Temporal server at " + server->address() + "\n");
  CHECK(endpoint.Get("/healthz").first == 200);  // alive all the same

  server->Restart();
  CHECK(endpoint.WaitForStatus("/readyz", 200, std::chrono::seconds(30)) ==
        std::pair<int, std::string>{200, "ready\n"});
  // The polls the server's going cut short were counted as failed long requests.
  const std::string text = endpoint.Metrics().text();
  CHECK(text.find("temporal_long_request_failure{namespace=\"default\",operation="
                  "\"PollWorkflowTaskQueue\",status_code=") != std::string::npos);
}

TEST_CASE("A metrics address that is taken stops the worker at start, naming it") {
  auto taken = weft::http::HttpServer::Start(
      {.address = "127.0.0.1:0"},
      [](const weft::http::HttpRequest&) { return weft::http::HttpResponse::Text(200, ""); });
  REQUIRE(taken);
  TempFolder workflows("weft-metrics-taken");
  const auto ran = weft::testing::RunProcess(
      {weft::testing::WeftBinary(), "worker", "--address", DevServer::Shared().address(),
       "--workflows", workflows.path().string(), "--metrics-address", (*taken)->address()});
  CHECK(ran.exit_code == 1);
  CHECK(ran.err.find("weft worker: cannot listen on " + (*taken)->address() +
                     ": Address already in use (--metrics-address)") != std::string::npos);
}
