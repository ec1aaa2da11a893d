// ReplayHistoryFile and ReplayCatalog on canned histories, without a server: a history whose
// first workflow task never completed replays against the catalog's definition; one whose
// recorded commands the definition does not give is NOT deterministic, with the event; `-`
// reads the stream; a file that cannot be read, is not a history, or has no definition is an
// error that names it. Histories recorded by a real server are replay_command_test's.
//
// The histories: WorkflowExecutionStarted (greet, input {"name": "Ada"}), WorkflowTaskScheduled,
// WorkflowTaskStarted; the doctored one adds WorkflowTaskCompleted and an ActivityTaskScheduled
// of an activity the definition never calls.
#include "runtime/temporal/history_file_replay.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using weft::temporal::ReplayCatalog;
using weft::temporal::ReplayHistoryFile;
using weft::temporal::ReplayHistoryFiles;

constexpr char kGreet[] = R"(dsl: 1
name: greet
steps:
  - id: say
    call: log
    args: {message: hi}
    timeouts: {start_to_close: 10s}
)";

// json/plain, {"name":"Ada"}, in base64 as proto3 JSON writes bytes.
constexpr char kStarted[] = R"(
  {"eventId": "1", "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED",
   "workflowExecutionStartedEventAttributes": {"workflowType": {"name": "greet"},
     "taskQueue": {"name": "weft"}, "input": {"payloads": [{"metadata":
     {"encoding": "anNvbi9wbGFpbg=="}, "data": "eyJuYW1lIjoiQWRhIn0="}]}}},
  {"eventId": "2", "eventType": "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED",
   "workflowTaskScheduledEventAttributes": {"taskQueue": {"name": "weft"}}},
  {"eventId": "3", "eventType": "EVENT_TYPE_WORKFLOW_TASK_STARTED",
   "workflowTaskStartedEventAttributes": {"scheduledEventId": "2"}})";

constexpr char kDoctored[] = R"(,
  {"eventId": "4", "eventType": "EVENT_TYPE_WORKFLOW_TASK_COMPLETED",
   "workflowTaskCompletedEventAttributes": {"scheduledEventId": "2", "startedEventId": "3"}},
  {"eventId": "5", "eventType": "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED",
   "activityTaskScheduledEventAttributes": {"activityId": "1",
     "activityType": {"name": "never.called"}, "taskQueue": {"name": "weft"},
     "workflowTaskCompletedEventId": "4"}})";

class Folder {
 public:
  Folder() : root_(fs::temp_directory_path() / ("weft-replay-" + std::to_string(::getpid()))) {
    fs::remove_all(root_);
    fs::create_directories(root_ / "workflows");
    std::ofstream(root_ / "workflows/greet.yaml") << kGreet;
    std::ofstream(root_ / "open.json") << "{\"events\": [" << kStarted << "]}";
    std::ofstream(root_ / "doctored.json") << "{\"events\": [" << kStarted << kDoctored << "]}";
    std::ofstream(root_ / "not-a-history.json") << "[1, 2";
  }
  ~Folder() { fs::remove_all(root_); }
  std::string Path(const std::string& name) const { return (root_ / name).string(); }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

}  // namespace

TEST_CASE("a history without a pin replays against the catalog's definition") {
  Folder folder;
  const auto catalog = ReplayCatalog(folder.Path("workflows"));
  REQUIRE(catalog != nullptr);
  std::istringstream no_input;
  auto replay = ReplayHistoryFile(folder.Path("open.json"), no_input, catalog);
  REQUIRE(replay);
  CHECK(replay->report.deterministic());
  CHECK(replay->report.events == 3);
  CHECK(replay->report.workflow_type == "greet");
  CHECK_THAT(replay->Text(), Catch::StartsWith(folder.Path("open.json") +
                                               ": deterministic: greet, 0 workflow "
                                               "tasks, 3 events replayed against greet"));
  const auto json = replay->ToJson();
  CHECK(json["deterministic"] == true);
  CHECK(json["file"] == folder.Path("open.json"));
  CHECK_FALSE(json.contains("divergence"));
}

TEST_CASE("a history the definition does not reproduce is NOT deterministic, at its event") {
  Folder folder;
  std::istringstream no_input;
  auto replay = ReplayHistoryFile(folder.Path("doctored.json"), no_input,
                                  ReplayCatalog(folder.Path("workflows")));
  REQUIRE(replay);
  REQUIRE_FALSE(replay->report.deterministic());
  CHECK_THAT(replay->Text(),
             Catch::StartsWith(folder.Path("doctored.json") + ": NOT deterministic: greet"));
  CHECK_THAT(replay->Text(), Catch::Contains("\n  at event "));
  const auto json = replay->ToJson();
  CHECK(json["deterministic"] == false);
  CHECK(json["divergence"]["message"] == replay->report.divergence->message);
}

TEST_CASE("- is the stream") {
  Folder folder;
  std::istringstream in(std::string("{\"events\": [") + kStarted + "]}");
  auto replay = ReplayHistoryFile("-", in, ReplayCatalog(folder.Path("workflows")));
  REQUIRE(replay);
  CHECK(replay->file == "-");
  CHECK(replay->report.events == 3);
}

TEST_CASE("what cannot be replayed is an error that names the file") {
  Folder folder;
  const auto catalog = ReplayCatalog(folder.Path("workflows"));
  std::istringstream no_input;
  auto missing = ReplayHistoryFile(folder.Path("missing.json"), no_input, catalog);
  REQUIRE_FALSE(missing);
  CHECK(missing.error() == folder.Path("missing.json") + ": cannot be read");
  auto garbage = ReplayHistoryFile(folder.Path("not-a-history.json"), no_input, catalog);
  REQUIRE_FALSE(garbage);
  CHECK_THAT(garbage.error(), Catch::StartsWith(folder.Path("not-a-history.json") + ": "));
  // No pin and no catalog: nothing to replay against.
  auto unpinned = ReplayHistoryFile(folder.Path("open.json"), no_input, nullptr);
  REQUIRE_FALSE(unpinned);
  CHECK_THAT(unpinned.error(), Catch::StartsWith(folder.Path("open.json") + ": "));
}

TEST_CASE("several files replay in turn: deterministic only if every one is, JSON an array") {
  Folder folder;
  const auto catalog = ReplayCatalog(folder.Path("workflows"));
  std::istringstream no_input;
  const auto one = ReplayHistoryFiles({folder.Path("open.json")}, no_input, catalog);
  CHECK_FALSE(one.error);
  CHECK(one.deterministic());
  CHECK(one.ToJson() == one.replays[0].ToJson());  // one file: its object, not an array

  const auto two = ReplayHistoryFiles({folder.Path("open.json"), folder.Path("doctored.json")},
                                      no_input, catalog);
  CHECK_FALSE(two.error);
  REQUIRE(two.replays.size() == 2);
  CHECK_FALSE(two.deterministic());
  CHECK(two.ToJson().is_array());
  CHECK(two.ToJson()[1]["deterministic"] == false);
  CHECK(two.Text() == two.replays[0].Text() + two.replays[1].Text());
}

TEST_CASE("several files stop at the first that cannot be used, keeping the ones before") {
  Folder folder;
  std::istringstream no_input;
  const auto replay = ReplayHistoryFiles(
      {folder.Path("open.json"), folder.Path("missing.json"), folder.Path("doctored.json")},
      no_input, ReplayCatalog(folder.Path("workflows")));
  REQUIRE(replay.error);
  CHECK(*replay.error == folder.Path("missing.json") + ": cannot be read");
  REQUIRE(replay.replays.size() == 1);
  CHECK(replay.replays[0].file == folder.Path("open.json"));
}

TEST_CASE("without a folder, the catalog is ./workflows when there is one") {
  Folder folder;
  const fs::path was = fs::current_path();
  fs::current_path(folder.root());
  const auto here = ReplayCatalog("");
  fs::current_path(folder.root() / "workflows");
  const auto none = ReplayCatalog("");
  fs::current_path(was);
  REQUIRE(here != nullptr);
  CHECK(here->Find("greet") != nullptr);
  CHECK(none == nullptr);
}
