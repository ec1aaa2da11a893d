// Two suites of scenarios, two engines. Every scenario of tests/conformance/scenarios.yaml (on
// the suite's own workflows and activities) and of tests/conformance/shipped.yaml (on
// workflows/ and activities/, exactly as they ship) runs on the embedded engine and on a real
// Temporal dev server, driven the way a user drives them: through the `weft` binary (`weft run
// --detach` or `weft start`, then `weft signal`, `update`, `query`, `result`), with the same
// workflows and the same Lua activities. Both must end as the scenario says, and therefore the
// same way.
//
// Both engines also write the interpreter's commands to a trace file (WEFT_TRACE) as they
// issue them; for scenarios whose events arrive in a fixed order (everything but the
// client's actions, whose timing differs) the two traces must be identical, line for line.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/dev_server.h"
#include "tests/support/subprocess.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSourceDir = fs::path(WEFT_SOURCE_DIR);

// A folder of workflows, the Lua activities they call, and the scenarios that run them.
struct Suite {
  std::string name;  // also the Temporal task queue
  fs::path workflows;
  fs::path activities;
  fs::path scenarios;
  // Custom search attributes (Keyword) the workflows set: registered in the dev server's
  // namespace before the worker starts, as docs/temporal.md tells users to.
  std::vector<std::string> search_attributes;
};

const Suite kConformance{"conformance", kSourceDir / "tests/conformance/workflows",
                         kSourceDir / "tests/conformance/activities",
                         kSourceDir / "tests/conformance/scenarios.yaml"};
const Suite kShipped{"shipped",
                     kSourceDir / "workflows",
                     kSourceDir / "activities",
                     kSourceDir / "tests/conformance/shipped.yaml",
                     {"CustomerId"}};

json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      json array = json::array();
      for (const auto& item : node) array.push_back(ToJson(item));
      return array;
    }
    case YAML::NodeType::Map: {
      json object = json::object();
      for (const auto& item : node) object[item.first.as<std::string>()] = ToJson(item.second);
      return object;
    }
    case YAML::NodeType::Scalar: {
      const std::string text = node.Scalar();
      if (node.Tag() == "!") return text;  // quoted
      // Numbers and booleans as JSON reads them; everything else is text.
      try {
        json parsed = json::parse(text);
        if (parsed.is_number() || parsed.is_boolean() || parsed.is_null()) return parsed;
      } catch (const json::exception&) {
      }
      return text;
    }
    default:
      return nullptr;
  }
}

struct Scenario {
  std::string workflow;
  std::string name;  // unique in the suite: the workflow id, the section's name
  json input = json::object();
  json actions = json::array();
  json result;
  std::string error;    // the failure's type, when the run must fail
  std::string message;  // a part of the failure's message, when given
  bool concurrent = false;
};

std::vector<Scenario> LoadScenarios(const Suite& suite) {
  std::vector<Scenario> scenarios;
  for (const auto& node : YAML::LoadFile(suite.scenarios.string())) {
    json entry = ToJson(node);
    Scenario scenario;
    scenario.workflow = entry["workflow"];
    scenario.name = entry.value("name", scenario.workflow);
    if (entry.contains("input")) scenario.input = entry["input"];
    if (entry.contains("actions")) scenario.actions = entry["actions"];
    if (entry.contains("result")) scenario.result = entry["result"];
    if (entry.contains("error")) scenario.error = entry["error"];
    scenario.message = entry.value("message", std::string());
    scenario.concurrent = entry.value("concurrent", false);
    scenarios.push_back(std::move(scenario));
  }
  return scenarios;
}

// A new folder for every engine. Catch runs the test case once per section, and the detached
// engine of the previous section may still be winding down: given the same folder, it would
// find the next section's journal by its path and run its first step, writing the trace into
// the file the folder's removal unlinked.
fs::path TempDir(const std::string& name) {
  static int made = 0;
  fs::path dir =
      fs::temp_directory_path() / ("weft-conformance-" + name + "-" + std::to_string(::getpid()) +
                                   "-" + std::to_string(++made));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// What a scenario needs from an engine: start a run, talk to it, get its end.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string name() const = 0;
  // Arguments that point a client command at this engine.
  virtual std::vector<std::string> Target() const = 0;
  virtual ProcessResult Start(const std::string& workflow, const std::string& id,
                              const json& input) = 0;
  virtual fs::path trace() const = 0;

  ProcessResult Client(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), WeftBinary());
    for (const std::string& arg : Target()) argv.push_back(arg);
    return RunProcess(argv);
  }
};

class EmbeddedEngine : public Engine {
 public:
  explicit EmbeddedEngine(const Suite& suite)
      : suite_(suite), dir_(TempDir(suite.name + "-embedded")) {
    ::setenv("WEFT_TRACE", trace().c_str(), 1);
  }
  ~EmbeddedEngine() override {
    // The detached engine stops by itself once no run is left; give it the chance.
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string name() const override { return "embedded"; }
  std::vector<std::string> Target() const override {
    return {"--journal", (dir_ / "journal.db").string()};
  }
  ProcessResult Start(const std::string& workflow, const std::string& id,
                      const json& input) override {
    return Client({"run", workflow, "--id", id, "--input", input.dump(), "--detach", "--workflows",
                   suite_.workflows.string(), "--lua-dir", suite_.activities.string()});
  }
  fs::path trace() const override { return dir_ / "trace.txt"; }

 private:
  const Suite& suite_;
  fs::path dir_;
};

class TemporalEngine : public Engine {
 public:
  explicit TemporalEngine(const Suite& suite)
      : suite_(suite), dir_(TempDir(suite.name + "-temporal")), server_(DevServer::Shared()) {
    for (const std::string& attribute : suite.search_attributes) {
      ProcessResult created = RunProcess({TemporalCli(), "operator", "search-attribute", "create",
                                          "--name", attribute, "--type", "Keyword", "--address",
                                          server_.address(), "--namespace", "default"});
      INFO(created.out << created.err);
      REQUIRE(created.exit_code == 0);
    }
    worker_ = ChildProcess::Start(
        {WeftBinary(), "worker", "--address", server_.address(), "--task-queue", suite.name,
         "--workflows", suite.workflows.string(), "--lua-dir", suite.activities.string()},
        {{"WEFT_TRACE", trace().string()}});
    worker_->WaitForOutput("weft worker on task queue", std::chrono::seconds(30));
  }
  ~TemporalEngine() override {
    worker_->Stop();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  std::string name() const override { return "temporal"; }
  std::vector<std::string> Target() const override { return {"--address", server_.address()}; }
  ProcessResult Start(const std::string& workflow, const std::string& id,
                      const json& input) override {
    return Client(
        {"start", workflow, "--id", id, "--input", input.dump(), "--task-queue", suite_.name});
  }
  fs::path trace() const override { return dir_ / "trace.txt"; }
  const ChildProcess& worker() const { return *worker_; }

 private:
  static std::string TemporalCli() {
    const char* cli = std::getenv("WEFT_TEMPORAL_CLI");
    return cli != nullptr ? cli : "temporal";
  }

  const Suite& suite_;
  fs::path dir_;
  DevServer& server_;
  std::unique_ptr<ChildProcess> worker_;
};

// How a scenario ended on one engine: the result, or the failure's type and the whole failure
// as `weft result` prints it.
struct Ending {
  json result;
  std::string error;
  json failure;
};

// A failure as both engines must print it. What differs by nature is left out: where the
// server recorded things (event ids, the worker's identity, run ids it assigned) and who
// raised it (`source`: "weft" once the failure went through Temporal's Failure proto).
// A run failure's `step` and `compensations` and an activity failure's `info.attempt` are
// compared: the Temporal engine carries them in the proto's encoded attributes.
json Comparable(json failure) {
  if (!failure.is_object()) return failure;
  failure.erase("source");
  failure.erase("stack_trace");
  if (auto info = failure.find("info"); info != failure.end() && info->is_object()) {
    for (const char* key :
         {"scheduled_event_id", "started_event_id", "initiated_event_id", "identity", "run_id"}) {
      info->erase(key);
    }
    if (info->empty()) failure.erase("info");
  }
  if (failure.contains("cause")) failure["cause"] = Comparable(failure["cause"]);
  return failure;
}

// `weft result` prints the result as JSON, or exits non-zero with the failure as JSON.
Ending ParseEnding(const ProcessResult& printed) {
  Ending ending;
  json value;
  try {
    value = json::parse(printed.out);
  } catch (const json::exception&) {
    FAIL("`weft result` printed no JSON: exit " << printed.exit_code << "\n"
                                                << printed.out << printed.err);
  }
  if (printed.exit_code == 0) {
    ending.result = value;
    return ending;
  }
  // The failure: its own type, or the type of the cause it wraps (an activity's, a child's).
  const json* failure = &value;
  while (failure->contains("cause") && !(*failure)["cause"].is_null() &&
         failure->value("type", std::string()).empty()) {
    failure = &(*failure)["cause"];
  }
  ending.error = failure->value("type", std::string("?"));
  ending.failure = value;
  return ending;
}

Ending RunScenario(Engine& engine, const Scenario& scenario, const std::string& id) {
  ProcessResult started = engine.Start(scenario.workflow, id, scenario.input);
  INFO(engine.name() << " start: " << started.out << started.err);
  REQUIRE(started.exit_code == 0);
  for (const json& action : scenario.actions) {
    INFO(engine.name() << " " << scenario.workflow << " action " << action.dump());
    const json payload = action.value("payload", json(nullptr));
    if (action.contains("signal") && action.contains("child")) {
      // A child the run starts (`<parent id>/<step id>-<n>`): signalled once it exists.
      const std::string child = id + "/" + action["child"].get<std::string>();
      ProcessResult sent;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      do {
        sent = engine.Client({"signal", child, action["signal"], "--input", payload.dump()});
        if (sent.exit_code == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      } while (std::chrono::steady_clock::now() < deadline);
      INFO(sent.out << sent.err);
      REQUIRE(sent.exit_code == 0);
    } else if (action.contains("signal")) {
      auto sent = engine.Client({"signal", id, action["signal"], "--input", payload.dump()});
      REQUIRE(sent.exit_code == 0);
    } else {
      const bool update = action.contains("update");
      auto answered =
          engine.Client({update ? "update" : "query", id,
                         update ? action["update"] : action["query"], "--input", payload.dump()});
      INFO(answered.out << answered.err);
      if (action.contains("error")) {
        CHECK(answered.exit_code != 0);
        CHECK_THAT(answered.out + answered.err,
                   Catch::Contains(action["error"].get<std::string>()));
      } else {
        REQUIRE(answered.exit_code == 0);
        CHECK(json::parse(answered.out) == action["result"]);
      }
    }
  }
  return ParseEnding(engine.Client({"result", id}));
}

std::vector<std::string> TraceOf(const fs::path& file, const std::string& id) {
  // Lines are "<workflow id> <command>"; continue-as-new keeps the id, so a chain is one trace.
  std::vector<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(id + " ")) lines.push_back(line.substr(id.size() + 1));
  }
  return lines;
}

void RunSuite(const Suite& suite, const std::vector<Scenario>& scenarios) {
  EmbeddedEngine embedded(suite);
  TemporalEngine temporal(suite);
  for (const Scenario& scenario : scenarios) {
    DYNAMIC_SECTION(scenario.name) {
      INFO("weft worker:\n" << temporal.worker().LogTail());
      const std::string id = suite.name + "-" + scenario.name;
      Ending expected{scenario.result, scenario.error};
      Ending on_embedded = RunScenario(embedded, scenario, id);
      Ending on_temporal = RunScenario(temporal, scenario, id);
      CHECK(on_embedded.result == expected.result);
      CHECK(on_embedded.error == expected.error);
      CHECK(on_temporal.result == expected.result);
      CHECK(on_temporal.error == expected.error);
      // A failing scenario fails the same way: the whole failure, not only its type.
      INFO("embedded: " << on_embedded.failure.dump(2)
                        << "\ntemporal: " << on_temporal.failure.dump(2));
      CHECK(Comparable(on_embedded.failure).dump(2) == Comparable(on_temporal.failure).dump(2));
      // Every failing scenario fails in a step, which Temporal's Failure proto has no field
      // for: the comparison above is only worth its name if it went through.
      if (!scenario.error.empty()) CHECK(on_temporal.failure.value("step", "") != "");
      if (!scenario.message.empty()) {
        CHECK_THAT(on_embedded.failure.value("message", ""), Catch::Contains(scenario.message));
        CHECK_THAT(on_temporal.failure.value("message", ""), Catch::Contains(scenario.message));
      }
      if (scenario.actions.empty()) {
        // Nothing from outside: events arrive in an order the scenario fixes, so the
        // interpreter must have been asked the same things in the same order.
        auto embedded_trace = TraceOf(embedded.trace(), id);
        // The Temporal worker writes a task's commands once the server has taken them; the
        // server may tell the client the run closed before that answer reaches the worker.
        // A trace that stays short still fails below, after the wait.
        auto temporal_trace = TraceOf(temporal.trace(), id);
        for (int wait = 0; wait < 100 && temporal_trace.size() < embedded_trace.size(); ++wait) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          temporal_trace = TraceOf(temporal.trace(), id);
        }
        CHECK_FALSE(embedded_trace.empty());
        if (scenario.concurrent) {
          std::ranges::sort(embedded_trace);
          std::ranges::sort(temporal_trace);
        }
        CHECK(embedded_trace == temporal_trace);
      }
    }
  }
}

}  // namespace

TEST_CASE("conformance: every scenario ends the same way on both engines") {
  const std::vector<Scenario> scenarios = LoadScenarios(kConformance);
  REQUIRE(scenarios.size() >= 9);
  RunSuite(kConformance, scenarios);
}

TEST_CASE("every shipped workflow runs as shipped, on both engines") {
  const std::vector<Scenario> scenarios = LoadScenarios(kShipped);
  // Each definition of workflows/ has a scenario, and together they use every step kind and
  // every kind of handler.
  std::set<std::string> covered;
  for (const Scenario& scenario : scenarios) covered.insert(scenario.workflow);
  for (const auto& entry : fs::directory_iterator(kShipped.workflows)) {
    if (entry.path().extension() != ".yaml") continue;
    INFO("workflows/" << entry.path().filename().string() << " needs a scenario in shipped.yaml");
    CHECK(covered.contains(entry.path().stem().string()));
  }
  REQUIRE(covered.size() >= 8);
  RunSuite(kShipped, scenarios);
}

}  // namespace weft::testing
