// Properties of the interpreter under schedules no one wrote by hand: for every workflow that
// ships (workflows/) and every conformance workflow, thousands of random runs in which
// activities and children complete or fail in random order, timers fire early or late, and
// signals, updates, queries and cancellations arrive at random moments. In every one:
//
// - replaying the recorded activations through a fresh instance gives the same commands,
//   byte for byte (determinism: what replay on both engines relies on);
// - a close command comes at most once, last in its activation, and after it only query
//   answers;
// - every seq a command mentions was issued by the interpreter, and a resolution for a seq it
//   gave up on (cancelled) changes nothing.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>
#include <set>
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

bool IsClose(const Command& command) {
  return std::holds_alternative<CompleteWorkflow>(command) ||
         std::holds_alternative<FailWorkflow>(command) ||
         std::holds_alternative<CancelWorkflowExecution>(command) ||
         std::holds_alternative<ContinueAsNew>(command);
}

Failure RandomFailure(std::mt19937_64& random) {
  static const char* kTypes[] = {"CardDeclined", "NoCourier", "Broken", "Flaky", "Declined"};
  auto cause = std::make_shared<Failure>();
  const int pick = static_cast<int>(random() % 7);
  if (pick == 5) {
    cause->kind = Failure::Kind::kTimeout;
    cause->message = "timed out";
  } else if (pick == 6) {
    cause->kind = Failure::Kind::kCancelled;
    cause->message = "cancelled";
  } else {
    cause->type = kTypes[pick];
    cause->message = "random failure";
    cause->non_retryable = true;
  }
  Failure failure;
  failure.kind = Failure::Kind::kActivity;
  failure.cause = cause;
  return failure;
}

// A result shaped loosely like what the shipped workflows read; fields they do not find make
// ExpressionErrors, which are a path worth exercising too.
json RandomResult(std::mt19937_64& random) {
  switch (random() % 4) {
    case 0:
      return nullptr;
    case 1:
      return {{"id", "x"},   {"tracking", "t"},    {"url", "u"},
              {"sum", 3},    {"next_cursor", "c"}, {"complete", random() % 2 == 0},
              {"attempt", 1}};
    case 2:
      return json::array({1, 2});
    default:
      return "text";
  }
}

struct Outstanding {
  std::set<std::uint32_t> activities;
  std::set<std::uint32_t> timers;
  std::set<std::uint32_t> children_starting;
  std::set<std::uint32_t> children_running;
};

struct Recorded {
  std::vector<Activation> activations;
  std::vector<std::vector<std::string>> commands;  // per activation, as text
};

// One random run: what it was fed and what it answered, for the replay check.
Recorded RandomRun(const std::shared_ptr<const dsl::Definition>& definition, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  WorkflowInstance instance(definition);
  Recorded fed;
  Outstanding outstanding;
  std::set<std::uint32_t> issued_activities, issued_timers, issued_children;
  std::int64_t now = 1'767'225'600'000;
  std::vector<Job> next = {StartWorkflow{.workflow_type = definition->name,
                                         .workflow_id = "w",
                                         .run_id = "r",
                                         .input = {{"name", "n"},
                                                   {"order_id", "o"},
                                                   {"email", "e"},
                                                   {"items", json::array({1, 2})},
                                                   {"images", json::array({"a", "b", "c"})},
                                                   {"numbers", json::array({1, 2, 3})},
                                                   {"total", 5},
                                                   {"a", 1},
                                                   {"b", 2},
                                                   {"round", 2},
                                                   {"plan", "team"},
                                                   {"customer_id", "c"},
                                                   {"album_id", "al"},
                                                   {"request_id", "r"},
                                                   {"amount", 3}},
                                         .random_seed = seed}};
  bool closed = false;
  for (int round = 0; round < 60; ++round) {
    // Things from outside, at random.
    if (random() % 5 == 0) {
      for (const auto& signal : definition->signals) {
        if (random() % 2 == 0) {
          next.push_back(SignalWorkflow{signal.name, {{"name", "s"}, {"approver", "a"}}});
        }
      }
    }
    if (random() % 6 == 0 && !definition->updates.empty()) {
      const auto& update = definition->updates[random() % definition->updates.size()];
      next.push_back(DoUpdate{"u" + std::to_string(round),
                              update.name,
                              {{"text", random() % 2 ? "t" : ""}, {"item", "i"}}});
    }
    if (random() % 4 == 0) {
      std::string name = definition->queries.empty() || random() % 3 == 0
                             ? "__stack_trace"
                             : definition->queries[random() % definition->queries.size()].name;
      next.push_back(QueryWorkflow{"q" + std::to_string(round), name, nullptr});
    }
    if (random() % 40 == 0) next.push_back(CancelWorkflow{"random"});
    // Resolutions, in random order; some of them for seqs the run has given up on.
    std::vector<Job> resolutions;
    for (std::uint32_t seq : outstanding.activities) {
      if (random() % 3 == 0) continue;
      resolutions.push_back(ResolveActivity{
          seq, random() % 4 == 0 ? ActivityResolution{.status = ActivityResolution::Status::kFailed,
                                                      .failure = RandomFailure(random)}
                                 : ActivityResolution{.result = RandomResult(random)}});
    }
    for (std::uint32_t seq : outstanding.timers) {
      if (random() % 2 == 0) resolutions.push_back(FireTimer{seq});
    }
    for (std::uint32_t seq : outstanding.children_starting) {
      resolutions.push_back(ResolveChildWorkflowStart{seq, random() % 5 != 0, "child"});
    }
    for (std::uint32_t seq : outstanding.children_running) {
      if (random() % 2 == 0) {
        resolutions.push_back(ResolveChildWorkflow{seq, ActivityResolution::Status::kCompleted,
                                                   RandomResult(random)});
      }
    }
    std::shuffle(resolutions.begin(), resolutions.end(), random);
    for (Job& job : resolutions) {
      std::visit(
          [&](const auto& j) {
            using T = std::decay_t<decltype(j)>;
            if constexpr (std::is_same_v<T, ResolveActivity>) outstanding.activities.erase(j.seq);
            if constexpr (std::is_same_v<T, FireTimer>) outstanding.timers.erase(j.seq);
            if constexpr (std::is_same_v<T, ResolveChildWorkflowStart>) {
              outstanding.children_starting.erase(j.seq);
              if (j.started) outstanding.children_running.insert(j.seq);
            }
            if constexpr (std::is_same_v<T, ResolveChildWorkflow>) {
              outstanding.children_running.erase(j.seq);
            }
          },
          job);
      next.push_back(std::move(job));
    }
    now += static_cast<std::int64_t>(random() % 100'000);
    Activation activation{.now_unix_ms = now,
                          .continue_as_new_suggested = random() % 10 == 0,
                          .jobs = std::move(next)};
    next.clear();
    fed.activations.push_back(activation);
    std::vector<Command> commands = instance.Activate(activation);
    fed.commands.emplace_back();
    for (const Command& command : commands) fed.commands.back().push_back(CommandText(command));
    for (std::size_t i = 0; i < commands.size(); ++i) {
      const Command& command = commands[i];
      INFO("seed " << seed << ", round " << round << ": " << CommandText(command));
      if (closed) REQUIRE(std::holds_alternative<RespondToQuery>(command));
      if (IsClose(command)) {
        REQUIRE(i + 1 == commands.size());
        closed = true;
      }
      if (const auto* schedule = std::get_if<ScheduleActivity>(&command)) {
        REQUIRE(issued_activities.insert(schedule->seq).second);
        outstanding.activities.insert(schedule->seq);
      } else if (const auto* cancel_activity = std::get_if<RequestCancelActivity>(&command)) {
        REQUIRE(issued_activities.contains(cancel_activity->seq));
        outstanding.activities.erase(cancel_activity->seq);
        if (random() % 2 == 0)
          next.push_back(ResolveActivity{cancel_activity->seq, {}});  // a late result
      } else if (const auto* timer = std::get_if<StartTimer>(&command)) {
        REQUIRE(issued_timers.insert(timer->seq).second);
        outstanding.timers.insert(timer->seq);
      } else if (const auto* cancel_timer = std::get_if<CancelTimer>(&command)) {
        REQUIRE(issued_timers.contains(cancel_timer->seq));
        outstanding.timers.erase(cancel_timer->seq);
      } else if (const auto* child = std::get_if<StartChildWorkflow>(&command)) {
        REQUIRE(issued_children.insert(child->seq).second);
        outstanding.children_starting.insert(child->seq);
      } else if (const auto* cancel_child = std::get_if<RequestCancelChildWorkflow>(&command)) {
        REQUIRE(issued_children.contains(cancel_child->seq));
      }
    }
    REQUIRE(instance.finished() == closed);
  }
  return fed;
}

std::vector<std::shared_ptr<const dsl::Definition>> Definitions() {
  std::vector<std::shared_ptr<const dsl::Definition>> definitions;
  for (const fs::path& folder :
       {kSourceDir / "workflows", kSourceDir / "tests/conformance/workflows"}) {
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (entry.path().extension() != ".yaml") continue;
      auto loaded = dsl::LoadDefinitionFile(entry.path());
      if (!loaded) FAIL(entry.path().string() << " does not load");
      definitions.push_back(*loaded);
    }
  }
  return definitions;
}

}  // namespace

TEST_CASE("random schedules: replay is deterministic and the command stream is well formed") {
  const auto definitions = Definitions();
  REQUIRE(definitions.size() >= 10);
  for (const auto& definition : definitions) {
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
      Recorded original = RandomRun(definition, seed);
      // The same activations through a fresh instance, as replay does: the same commands.
      WorkflowInstance replay(definition);
      for (std::size_t i = 0; i < original.activations.size(); ++i) {
        std::vector<std::string> again;
        for (const Command& command : replay.Activate(original.activations[i])) {
          again.push_back(CommandText(command));
        }
        INFO(definition->name << " seed " << seed << " activation " << i);
        REQUIRE(again == original.commands[i]);
      }
    }
  }
}

}  // namespace weft::interpreter
