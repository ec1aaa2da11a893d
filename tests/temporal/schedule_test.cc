// `weft schedule` against a real dev server, as a user runs it: the real binary creates,
// lists, describes, pauses, unpauses, triggers and deletes schedules whose runs a real
// `weft worker` executes. An interval schedule fires runs that complete; a paused one fires
// none until triggered; a cron string in a time zone fires at that zone's hour; its policies
// read back as written; a taken id, an unknown id and a bad flag are clear errors.

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/dev_server.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::testing::DevServer;
using weft::testing::ProcessResult;
using weft::testing::RunProcess;
using weft::testing::TempFolder;
using weft::testing::WeftBinary;
using namespace std::chrono_literals;

constexpr char kGreeting[] = R"(dsl: 1
name: scheduled-greeting
steps:
  - id: greet
    call: log
    args: {message: '${ "scheduled: " + input.name }'}
    timeouts: {start_to_close: 10s}
output: '${ "Hello, " + input.name + "!" }'
)";

// `weft schedule <args...> --address <dev server>`; requires success unless told otherwise.
ProcessResult Schedule(std::vector<std::string> args, bool must_succeed = true) {
  args.insert(args.begin(), {WeftBinary(), "schedule"});
  args.push_back("--address");
  args.push_back(DevServer::Shared().address());
  ProcessResult result = RunProcess(args);
  if (must_succeed) {
    INFO("weft schedule " << args[2] << ": " << result.err);
    REQUIRE(result.exit_code == 0);
  }
  return result;
}

json Describe(const std::string& id) { return json::parse(Schedule({"describe", id}).out); }

// Waits until the schedule has started at least `actions` runs.
json WaitForActions(const std::string& id, int actions) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    json described = Describe(id);
    if (described["info"]["actions"].get<int>() >= actions) return described;
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL("schedule " << id << " started fewer than " << actions << " runs:\n"
                       << described.dump(2));
    }
    std::this_thread::sleep_for(200ms);
  }
}

}  // namespace

TEST_CASE("an interval schedule starts runs that a weft worker completes; pause, trigger") {
  TempFolder workflows("weft-schedules");
  workflows.Write("scheduled-greeting.yaml", kGreeting);
  const std::string queue = weft::testing::UniqueName("schedules");
  auto worker =
      weft::testing::StartWeftWorker(DevServer::Shared().address(), queue, workflows.path());
  auto client = weft::testing::ConnectClient(DevServer::Shared().address());
  const std::string id = weft::testing::UniqueName("every-second");

  CHECK(json::parse(Schedule({"create", id, "--workflow", "scheduled-greeting", "--task-queue",
                              queue, "--interval", "1s", "--input", R"({"name": "Ada"})"})
                        .out) == json{{"schedule_id", id}});
  json described = WaitForActions(id, 2);
  CHECK(described["action"]["workflow_type"] == "scheduled-greeting");
  CHECK(described["spec"]["intervals"] == json{"1s"});
  CHECK(described["policies"]["overlap"] == "skip");

  // Each firing started a run named after the schedule and the time, which completed.
  REQUIRE(!described["info"]["recent"].empty());
  const json& firing = described["info"]["recent"][0];
  const std::string workflow_id = firing["workflow_id"];
  CHECK(workflow_id.starts_with(id + "-"));
  weft::testing::WaitUntilClosed(client, workflow_id);
  auto outcome = client.Result({.workflow_id = workflow_id});
  REQUIRE(outcome);
  CHECK(outcome->result == "Hello, Ada!");

  // Paused, it starts nothing; a trigger starts one run at once all the same.
  Schedule({"pause", id, "--note", "maintenance"});
  described = Describe(id);
  CHECK(described["state"] == json{{"paused", true}, {"note", "maintenance"}});
  const int paused_at = described["info"]["actions"];
  std::this_thread::sleep_for(2500ms);
  CHECK(Describe(id)["info"]["actions"] == paused_at);
  Schedule({"trigger", id});
  WaitForActions(id, paused_at + 1);
  Schedule({"unpause", id});
  CHECK(Describe(id)["state"]["paused"] == false);
  WaitForActions(id, paused_at + 2);

  // Listed (visibility lags a little), then deleted: its runs are left alone.
  bool listed = false;
  for (int attempt = 0; attempt < 50 && !listed; ++attempt) {
    for (const json& entry : json::parse(Schedule({"list", "--json"}).out)) {
      listed = listed || entry["id"] == id;
    }
    if (!listed) std::this_thread::sleep_for(200ms);
  }
  CHECK(listed);
  Schedule({"delete", id});
  ProcessResult gone = Schedule({"describe", id}, /*must_succeed=*/false);
  CHECK(gone.exit_code == 1);
  CHECK_THAT(gone.err, Catch::Contains("has no schedule " + id));
}

TEST_CASE("a cron schedule in a time zone, its policies read back as written") {
  const std::string id = weft::testing::UniqueName("noon-in-new-york");
  Schedule({"create",
            id,
            "--workflow",
            "scheduled-greeting",
            "--cron",
            "0 12 * * *",
            "--cron",
            "30 9 * * MON-FRI",
            "--time-zone",
            "America/New_York",
            "--jitter",
            "30s",
            "--overlap",
            "buffer_one",
            "--catchup-window",
            "10m",
            "--pause-on-failure",
            "--paused",
            "--note",
            "not yet"});
  const json described = Describe(id);
  CHECK(described["spec"]["crons"] == json{"0 12 * * *", "30 9 * * 1-5"});
  CHECK(described["spec"]["time_zone"] == "America/New_York");
  CHECK(described["spec"]["jitter"] == "30s");
  CHECK(described["policies"] ==
        json{{"overlap", "buffer_one"}, {"catchup_window", "10m"}, {"pause_on_failure", true}});
  CHECK(described["state"] == json{{"paused", true}, {"note", "not yet"}});
  // Noon in New York is 16:00 or 17:00 UTC (daylight saving or not), plus up to 30 s of
  // jitter; 9:30 is 13:30 or 14:30.
  REQUIRE(described["info"]["next"].size() >= 2);
  for (const json& next : described["info"]["next"]) {
    const std::string time = next.get<std::string>().substr(11, 5);  // HH:MM
    INFO(next);
    CHECK((time == "16:00" || time == "17:00" || time == "13:30" || time == "14:30"));
  }

  ProcessResult taken =
      Schedule({"create", id, "--workflow", "scheduled-greeting", "--interval", "1h"}, false);
  CHECK(taken.exit_code == 1);
  CHECK_THAT(taken.err, Catch::Contains("a schedule with this id exists"));
  Schedule({"delete", id});
}

TEST_CASE("bad schedule flags are usage errors that name the flag") {
  ProcessResult no_spec = Schedule({"create", "x", "--workflow", "w"}, false);
  CHECK(no_spec.exit_code == 2);
  CHECK_THAT(no_spec.err, Catch::Contains("--cron or --interval"));
  ProcessResult bad_interval =
      Schedule({"create", "x", "--workflow", "w", "--interval", "soon"}, false);
  CHECK(bad_interval.exit_code == 2);
  CHECK_THAT(bad_interval.err, Catch::Contains("--interval soon is no duration"));
  ProcessResult bad_policy =
      Schedule({"create", "x", "--workflow", "w", "--interval", "1h", "--overlap", "never"}, false);
  CHECK(bad_policy.exit_code == 2);
  CHECK_THAT(bad_policy.err, Catch::Contains("--overlap"));
}
