// Golden command traces: every workflow in workflows/ run by the interpreter alone, against
// scripted activities, with virtual time. Each trace (tests/interpreter/traces/<scenario>.trace)
// lists every activation's jobs and the commands the interpreter answered, in order: a change
// of behaviour shows up as a diff a reviewer can read. The conformance suite holds both engines
// to the same commands.
//
// The script: each activation resolves everything the previous one asked for (activities in
// seq order, child workflows started then completed); only when nothing else is outstanding
// does time jump to the earliest timer. Scenario jobs (signals, updates, queries) are added
// at a given activation. WEFT_UPDATE_GOLDEN=1 rewrites the traces instead of comparing.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/loader.h"
#include "runtime/interpreter/command_text.h"
#include "runtime/interpreter/workflow_instance.h"

namespace weft::interpreter {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSourceDir = WEFT_SOURCE_DIR;

ActivityResolution Completed(json result) { return {.result = std::move(result)}; }

ActivityResolution FailedWith(const std::string& type, const std::string& message) {
  auto cause = std::make_shared<Failure>();
  cause->type = type;
  cause->message = message;
  cause->non_retryable = true;
  Failure failure;
  failure.kind = Failure::Kind::kActivity;
  failure.message = "activity failed";
  failure.cause = cause;
  return {.status = ActivityResolution::Status::kFailed, .failure = failure};
}

using Activity = std::function<ActivityResolution(const json& input)>;

// What the shipped workflows' activities return in these scripts: plausible, deterministic.
std::map<std::string, Activity> StandardActivities() {
  return {
      {"log", [](const json&) { return Completed(nullptr); }},
      {"payments.charge",
       [](const json& in) {
         return Completed({{"id", "ch_" + in["order_id"].get<std::string>()}});
       }},
      {"payments.refund",
       [](const json&) {
         return Completed({{"refunded", true}});
       }},
      {"payments.reimburse",
       [](const json& in) {
         return Completed({{"paid", in["amount"]}});
       }},
      {"shipping.create",
       [](const json& in) {
         return Completed({{"tracking", "TRK-" + in["order_id"].get<std::string>()}});
       }},
      {"email.send",
       [](const json&) {
         return Completed({{"sent", true}});
       }},
      {"images.resize",
       [](const json& in) {
         return Completed({{"url", in["url"].get<std::string>() + "?w=256"}});
       }},
      {"catalogue.upsert",
       [](const json& in) {
         return Completed({{"entry", in["album_id"]}});
       }},
      {"catalogue.publish",
       [](const json& in) {
         return Completed({{"published", in["thumbnails"].size()}});
       }},
      {"warehouse.changes",
       [](const json& in) {
         const std::string cursor = in["cursor"];
         return Completed({{"next_cursor", cursor + "+"}, {"complete", cursor.size() >= 4}});
       }},
      {"accounts.create",
       [](const json& in) {
         return Completed({{"account", in["customer_id"]}});
       }},
      {"accounts.invite_team",
       [](const json&) {
         return Completed({{"invited", 3}});
       }},
      {"clusters.reserve",
       [](const json& in) {
         return Completed({{"id", "rsv-" + in["customer_id"].get<std::string>()}, {"nodes", 3}});
       }},
      {"clusters.create",
       [](const json& in) {
         return Completed({{"cluster_id", "cl-" + in["reservation_id"].get<std::string>()},
                           {"nodes", in["nodes"]}});
       }},
      {"clusters.release",
       [](const json& in) {
         return Completed({{"released", in["reservation_id"]}});
       }},
  };
}

struct Scenario {
  std::string name;      // the trace's file name
  std::string workflow;  // workflows/<workflow>.yaml
  json input;
  std::map<std::string, Activity> overrides;  // activity type -> behaviour
  std::multimap<int, Job> extra_jobs;         // activation number -> job
};

std::string RunScenario(const Scenario& scenario) {
  auto loaded = dsl::LoadDefinitionFile(kSourceDir / "workflows" / (scenario.workflow + ".yaml"));
  if (!loaded) FAIL("workflows/" << scenario.workflow << ".yaml does not load");
  WorkflowInstance instance(*loaded);
  auto activities = StandardActivities();
  for (const auto& [type, behaviour] : scenario.overrides) activities[type] = behaviour;

  const std::int64_t start_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  std::int64_t now_ms = start_ms;
  std::vector<Job> jobs = {StartWorkflow{.workflow_type = (*loaded)->name,
                                         .workflow_id = "golden",
                                         .run_id = "run-1",
                                         .task_queue = "weft",
                                         .input = scenario.input,
                                         .random_seed = 7}};
  std::map<std::uint32_t, std::int64_t> timers;   // seq -> fire time
  std::map<std::uint32_t, std::string> children;  // seq -> workflow type, started
  std::ostringstream trace;
  for (int number = 0; number < 200; ++number) {
    auto [first, last] = scenario.extra_jobs.equal_range(number);
    for (auto it = first; it != last; ++it) jobs.push_back(it->second);
    if (jobs.empty()) {
      if (timers.empty()) {
        trace << "(blocked: nothing outstanding can wake the run)\n";
        break;
      }
      auto earliest = std::ranges::min_element(timers, {}, [](const auto& t) { return t.second; });
      now_ms = std::max(now_ms, earliest->second);
      for (auto it = timers.begin(); it != timers.end();) {
        if (it->second <= now_ms) {
          jobs.push_back(FireTimer{it->first});
          it = timers.erase(it);
        } else {
          ++it;
        }
      }
    }
    trace << "activation " << number << " at +" << (now_ms - start_ms) / 1000 << "s\n";
    for (const Job& job : jobs) trace << "  > " << JobText(job) << "\n";
    auto commands = instance.Activate({.now_unix_ms = now_ms, .jobs = std::move(jobs)});
    jobs.clear();
    for (const Command& command : commands) {
      trace << "  < " << CommandText(command) << "\n";
      if (const auto* schedule = std::get_if<ScheduleActivity>(&command)) {
        auto behaviour = activities.find(schedule->activity_type);
        if (behaviour == activities.end()) FAIL("no scripted activity " << schedule->activity_type);
        jobs.push_back(ResolveActivity{schedule->seq, behaviour->second(schedule->input)});
      } else if (const auto* timer = std::get_if<StartTimer>(&command)) {
        timers[timer->seq] = now_ms + timer->duration.count();
      } else if (const auto* cancel = std::get_if<CancelTimer>(&command)) {
        timers.erase(cancel->seq);
      } else if (const auto* child = std::get_if<StartChildWorkflow>(&command)) {
        jobs.push_back(ResolveChildWorkflowStart{child->seq, true, child->workflow_id + "-run"});
        children[child->seq] = child->workflow_type;
      }
    }
    // Children started in the previous activation complete in this one.
    for (auto it = children.begin(); it != children.end();) {
      const bool started_now = std::ranges::any_of(commands, [&](const Command& c) {
        const auto* child = std::get_if<StartChildWorkflow>(&c);
        return child != nullptr && child->seq == it->first;
      });
      if (started_now) {
        ++it;
        continue;
      }
      jobs.push_back(ResolveChildWorkflow{
          it->first, ActivityResolution::Status::kCompleted, {{"child", it->second}}});
      it = children.erase(it);
    }
    if (instance.finished() &&
        scenario.extra_jobs.upper_bound(number) == scenario.extra_jobs.end()) {
      break;
    }
  }
  return trace.str();
}

std::vector<Scenario> Scenarios() {
  std::vector<Scenario> scenarios;
  scenarios.push_back({"hello", "hello", {{"name", "Ada"}}});
  const json order = {{"order_id", "o-1"},
                      {"email", "ada@example.com"},
                      {"items", {{{"sku", "tee"}, {"size", "M"}, {"quantity", 2}}}},
                      {"total", 40}};
  scenarios.push_back({"order-clothes", "order-clothes", order});
  scenarios.push_back(
      {"order-clothes-refund", "order-clothes", order, {{"shipping.create", [](const json&) {
                                                           return FailedWith("NoCourier",
                                                                             "no courier today");
                                                         }}}});
  const json expense = {{"request_id", "e-9"}, {"amount", 120}, {"requester", "sam"}};
  Scenario approved{"expense-approval-approved", "expense-approval", expense};
  approved.extra_jobs.emplace(2, QueryWorkflow{"q1", "decision", nullptr});
  approved.extra_jobs.emplace(3, DoUpdate{"u1", "comment", {{"text", "receipt attached"}}});
  approved.extra_jobs.emplace(3, DoUpdate{"u2", "comment", {{"text", ""}}});
  approved.extra_jobs.emplace(4, SignalWorkflow{"approve", {{"approver", "mia"}}});
  scenarios.push_back(approved);
  scenarios.push_back({"expense-approval-timeout", "expense-approval", expense});
  scenarios.push_back(
      {"image-thumbnails",
       "image-thumbnails",
       {{"album_id", "a-1"}, {"images", {"1.png", "2.png", "3.png", "4.png", "5.png"}}}});
  scenarios.push_back({"inventory-sync", "inventory-sync", json::object()});
  scenarios.push_back(
      {"inventory-sync-continue-as-new", "inventory-sync", {{"cursor", "c"}, {"pages", 99}}});
  scenarios.push_back(
      {"customer-onboarding-enterprise",
       "customer-onboarding",
       {{"customer_id", "c-1"}, {"plan", "enterprise"}, {"email", "c@example.com"}}});
  Scenario provisioned{
      "provision-cluster", "provision-cluster", {{"customer_id", "c-3"}, {"size", "small"}}};
  provisioned.extra_jobs.emplace(3, SignalWorkflow{"healthy", {{"by", "ops"}}});
  scenarios.push_back(provisioned);
  scenarios.push_back({"provision-cluster-too-slow",
                       "provision-cluster",
                       {{"customer_id", "c-4"}, {"size", "large"}, {"deadline", "30m"}}});
  scenarios.push_back(
      {"send-welcome", "send-welcome", {{"email", "t@example.com"}, {"plan", "team"}}});
  scenarios.push_back(
      {"send-welcome-free", "send-welcome", {{"email", "f@example.com"}, {"plan", "free"}}});
  scenarios.push_back({"customer-onboarding-free",
                       "customer-onboarding",
                       {{"customer_id", "c-2"}, {"plan", "free"}, {"email", "f@example.com"}}});
  return scenarios;
}

}  // namespace

TEST_CASE("every workflow in workflows/ has a golden command trace") {
  std::set<std::string> covered;
  for (const Scenario& scenario : Scenarios()) covered.insert(scenario.workflow);
  for (const auto& entry : fs::directory_iterator(kSourceDir / "workflows")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO("workflows/" << entry.path().filename().string() << " needs a scenario here");
    CHECK(covered.contains(entry.path().stem().string()));
  }
}

TEST_CASE("the interpreter's command traces match their goldens") {
  const bool update = std::getenv("WEFT_UPDATE_GOLDEN") != nullptr;
  for (const Scenario& scenario : Scenarios()) {
    const fs::path golden = kSourceDir / "tests/interpreter/traces" / (scenario.name + ".trace");
    const std::string actual = RunScenario(scenario);
    if (update) {
      std::ofstream(golden) << actual;
      continue;
    }
    std::ifstream file(golden);
    INFO("golden " << golden.string() << " (WEFT_UPDATE_GOLDEN=1 rewrites it)");
    REQUIRE(file.good());
    std::stringstream expected;
    expected << file.rdbuf();
    CHECK(actual == expected.str());
  }
}

}  // namespace weft::interpreter
