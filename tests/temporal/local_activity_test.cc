// Local activities (`local: true`) on a real dev server, served by the real `weft worker`:
// the worker runs them inside the workflow task and history holds one marker per activity
// and no activity task; the markers replay (a worker without a cache replays every task from
// the first event, and `weft replay` replays the exported history); a local activity that
// outlasts the workflow task timeout keeps the task alive with heartbeat tasks instead of
// letting it time out.

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>

#include "tests/support/dev_server.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::WeftBinary;
using namespace std::chrono_literals;

// Two local activities around an ordinary one and a signal: the second local activity runs
// in a task that, without a cache, replays the first one's marker.
constexpr char kLocalSteps[] = R"(dsl: 1
name: local-steps
handlers:
  signals:
    go: {}
defaults: {call: {timeouts: {start_to_close: 10s}}}
steps:
  - id: first
    call: json.parse
    local: true
    args: {text: '{"n": 1}'}
  - id: middle
    call: log
    args: {message: between}
  - id: wait_for_go
    await: {signal: go, timeout: 1h}
  - id: second
    call: json.parse
    local: true
    args: {text: '{"n": 2}'}
output: '${ [steps.first.result.n, steps.second.result.n] }'
)";

// A local activity of 3 s in a run whose workflow tasks time out after 2 s.
constexpr char kLongLocal[] = R"(dsl: 1
name: long-local
steps:
  - id: slow
    call: sleep
    local: true
    args: {seconds: 3}
    timeouts: {start_to_close: 20s}
output: '${ steps.slow.result.slept_ms >= 3000 }'
)";

// Payload data in a history's JSON is base64 (standard alphabet, padded).
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Decode(const std::string& text) {
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (char c : text) {
    const char* at = std::strchr(kBase64, c);
    if (c == '=' || at == nullptr) break;
    value = (value << 6) | static_cast<unsigned>(at - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((value >> bits) & 0xff));
    }
  }
  return out;
}

std::string Base64Encode(const std::string& bytes) {
  std::string out;
  int bits = 0;
  unsigned value = 0;
  for (unsigned char c : bytes) {
    value = (value << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64[(value >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kBase64[(value << (6 - bits)) & 0x3f]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

int CountMarkers(const json& history, const std::string& name) {
  int count = 0;
  for (const json& event : history["events"]) {
    if (event["eventType"] == "EVENT_TYPE_MARKER_RECORDED" &&
        event["markerRecordedEventAttributes"]["markerName"] == name) {
      ++count;
    }
  }
  return count;
}

}  // namespace

TEST_CASE("local activities are recorded by markers, and the markers replay") {
  const std::string address = weft::testing::DevServer::Shared().address();
  TempFolder workflows("weft-local");
  workflows.Write("local-steps.yaml", kLocalSteps);
  const std::string queue = weft::testing::UniqueName("local");
  // Without a cache, every task replays the run from its first event, markers included.
  auto worker =
      weft::testing::StartWeftWorker(address, queue, workflows.path(), {"--max-cached-runs", "0"});
  auto client = weft::testing::ConnectClient(address);
  const std::string id = weft::testing::UniqueName("local-steps");
  REQUIRE(client.Start("local-steps", json::object(), {.workflow_id = id, .task_queue = queue}));
  weft::testing::WaitForEvent(client, id, "EVENT_TYPE_ACTIVITY_TASK_COMPLETED");
  weft::testing::WaitForEvent(client, id, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED", 2);
  REQUIRE(client.Signal({.workflow_id = id}, "go", nullptr));
  weft::testing::WaitUntilClosed(client, id);
  auto outcome = client.Result({.workflow_id = id});
  REQUIRE(outcome);
  CHECK(outcome->result == json::array({1, 2}));

  const json history = weft::testing::HistoryOf(client, id);
  CHECK(CountMarkers(history, "weft.local_activity") == 2);
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED") == 1);
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_WORKFLOW_TASK_FAILED") == 0);

  // The exported history replays against this build; doctored, its marker no longer does.
  TempFolder exported("weft-local-history");
  const auto path = exported.path() / "history.json";
  std::ofstream(path) << history.dump();
  auto replayed = RunProcess({WeftBinary(), "replay", path.string()});
  INFO(replayed.out << replayed.err);
  CHECK(replayed.exit_code == 0);
  CHECK_THAT(replayed.out, Catch::Contains("deterministic"));

  json doctored = history;
  for (json& event : doctored["events"]) {
    if (event["eventType"] != "EVENT_TYPE_MARKER_RECORDED") continue;
    auto& attributes = event["markerRecordedEventAttributes"];
    if (attributes["markerName"] != "weft.local_activity") continue;
    auto& payload = attributes["details"]["data"]["payloads"][0];
    json data = json::parse(Base64Decode(payload["data"].get<std::string>()));
    data["activity_type"] = "json.stringify";
    payload["data"] = Base64Encode(data.dump());
    break;
  }
  const auto doctored_path = exported.path() / "doctored.json";
  std::ofstream(doctored_path) << doctored.dump();
  auto diverged = RunProcess({WeftBinary(), "replay", doctored_path.string()});
  INFO(diverged.out << diverged.err);
  CHECK(diverged.exit_code == 1);
  CHECK_THAT(diverged.out, Catch::Contains("[WEFT3001]"));
}

TEST_CASE("a local activity longer than the workflow task timeout heartbeats its task") {
  const std::string address = weft::testing::DevServer::Shared().address();
  TempFolder workflows("weft-long-local");
  workflows.Write("long-local.yaml", kLongLocal);
  const std::string queue = weft::testing::UniqueName("long-local");
  auto worker = weft::testing::StartWeftWorker(address, queue, workflows.path());
  auto client = weft::testing::ConnectClient(address);
  const std::string id = weft::testing::UniqueName("long-local");
  REQUIRE(client.Start("long-local", json::object(),
                       {.workflow_id = id, .task_queue = queue, .task_timeout = 2s}));
  weft::testing::WaitUntilClosed(client, id);
  auto outcome = client.Result({.workflow_id = id});
  REQUIRE(outcome);
  CHECK(outcome->result == true);

  const json history = weft::testing::HistoryOf(client, id);
  std::string events;
  for (const json& event : history["events"])
    events += event["eventType"].get<std::string>() + "\n";
  INFO(events);
  INFO(worker->LogTail());
  CHECK(CountMarkers(history, "weft.local_activity") == 1);
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT") == 0);
  // The first task went out as a heartbeat after 1.6 s; the marker came with a later task.
  CHECK(weft::testing::CountEvents(history, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED") >= 2);
}
