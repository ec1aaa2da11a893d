// The interpreter as a specification: scripted activations in, commands out, no engine. Each
// section names the rule of docs/language.md it holds the interpreter to.
#include "runtime/interpreter/workflow_instance.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "dsl/loader.h"
#include "runtime/interpreter/command_text.h"
#include "runtime/interpreter/definition_pin.h"
#include "runtime/interpreter/pinned_definitions.h"

namespace weft::interpreter {
namespace {

using nlohmann::json;

std::shared_ptr<const dsl::Definition> Load(const std::string& yaml) {
  auto loaded = dsl::LoadDefinition(yaml, {.file = "test.yaml"});
  if (!loaded) FAIL("definition does not load: " << loaded.error().front().message);
  return *loaded;
}

// One run, driven by hand. Time starts at 2026-01-01T00:00:00Z and moves only when told.
class Run {
 public:
  explicit Run(const std::string& yaml) : instance_(Load(yaml)) {}
  explicit Run(std::shared_ptr<const dsl::Definition> definition)
      : instance_(std::move(definition)) {}

  std::vector<std::string> Start(json input = json::object()) {
    StartWorkflow start{.workflow_type = instance_.definition().name,
                        .workflow_id = "wf-1",
                        .run_id = "run-1",
                        .task_queue = "q",
                        .input = std::move(input),
                        .random_seed = 42};
    return Activate({start});
  }

  std::vector<std::string> Activate(std::vector<Job> jobs) {
    return Activate(Activation{.now_unix_ms = now_ms, .jobs = std::move(jobs)});
  }

  std::vector<std::string> Activate(const Activation& activation) {
    last_ = instance_.Activate(activation);
    std::vector<std::string> texts;
    for (const Command& command : last_) texts.push_back(CommandText(command));
    return texts;
  }

  std::vector<std::string> Complete(std::uint32_t seq, json result) {
    return Activate({ResolveActivity{seq, {.result = std::move(result)}}});
  }
  std::vector<std::string> FailActivity(std::uint32_t seq, std::string type,
                                        bool non_retryable = true) {
    auto cause = std::make_shared<Failure>();
    cause->type = type;
    cause->message = type + " happened";
    cause->non_retryable = non_retryable;
    Failure failure;
    failure.kind = Failure::Kind::kActivity;
    failure.message = "activity failed";
    failure.cause = cause;
    return Activate({ResolveActivity{
        seq, {.status = ActivityResolution::Status::kFailed, .failure = failure}}});
  }

  const std::vector<Command>& commands() const { return last_; }
  bool finished() const { return instance_.finished(); }

  std::int64_t now_ms = 1'767'225'600'000;

 private:
  WorkflowInstance instance_;
  std::vector<Command> last_;
};

// The first word of each command: its kind.
std::vector<std::string> Kinds(const std::vector<std::string>& texts) {
  std::vector<std::string> kinds;
  for (const std::string& text : texts) kinds.push_back(text.substr(0, text.find(' ')));
  return kinds;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

template <class T>
const T& Last(const Run& run) {
  const T* found = std::get_if<T>(&run.commands().back());
  if (found == nullptr) FAIL("the last command is " << CommandText(run.commands().back()));
  return *found;
}

constexpr const char* kHeader = "dsl: 1\nname: t\n";

}  // namespace

TEST_CASE("a run starts by pinning its definition, then runs its first step") {
  Run run(std::string(kHeader) + R"(
steps:
  - id: greet
    call: log
    args: {message: '${ "hi " + input.name }'}
    timeouts: {start_to_close: 10s}
output: ${ steps.greet.result }
)");
  auto first = run.Start({{"name", "Ada"}});
  REQUIRE(Kinds(first) == std::vector<std::string>{"record_marker", "schedule_activity"});
  CHECK(first[0] == "record_marker name=weft.definition definition=t@1");
  CHECK(first[1] ==
        "schedule_activity seq=1 type=log step=/steps/0 start_to_close=10s "
        "schedule_to_close=- input={\"message\":\"hi Ada\"}");
  auto second = run.Complete(1, "done");
  CHECK(second == std::vector<std::string>{"complete_workflow result=\"done\""});
  CHECK(run.finished());
}

TEST_CASE("the pin loads back to the same definition") {
  auto definition =
      Load(std::string(kHeader) + "steps: [{id: a, call: log, timeouts: {start_to_close: 1s}}]\n");
  auto pinned = LoadPinnedDefinition(DefinitionPin(*definition));
  REQUIRE(pinned);
  CHECK((*pinned)->sha256 == definition->sha256);
  json doctored = DefinitionPin(*definition);
  doctored["definition"]["name"] = "other";
  auto refused = LoadPinnedDefinition(doctored);
  REQUIRE_FALSE(refused);
  CHECK(Contains(refused.error(), "hashes to"));
}

TEST_CASE("pinned definitions load once per sha256 while a run holds one, and are checked") {
  auto definition =
      Load(std::string(kHeader) + "steps: [{id: a, call: log, timeouts: {start_to_close: 1s}}]\n");
  weft::interpreter::PinnedDefinitions pinned;
  auto first = pinned.Load(DefinitionPin(*definition));
  auto second = pinned.Load(DefinitionPin(*definition));
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->get() == second->get());  // one Definition, shared
  CHECK((*first)->sha256 == definition->sha256);
  json doctored = DefinitionPin(*definition);
  doctored["sha256"] = "0000";
  doctored["definition"]["name"] = "other";
  CHECK_FALSE(pinned.Load(doctored));  // a pin that does not hash to what it claims
  first->reset();
  second->reset();  // no run holds it: loaded again when next needed
  auto again = pinned.Load(DefinitionPin(*definition));
  REQUIRE(again);
  CHECK((*again)->sha256 == definition->sha256);
}

TEST_CASE("a pin's text is made once per sha256 and shared; its identity is what runs show") {
  auto definition =
      Load(std::string(kHeader) + "steps: [{id: a, call: log, timeouts: {start_to_close: 1s}}]\n");
  auto other =
      Load(std::string(kHeader) + "steps: [{id: b, call: log, timeouts: {start_to_close: 1s}}]\n");
  PinTexts texts;
  const auto first = texts.Of(*definition);
  CHECK(texts.Of(*definition).get() == first.get());  // one text, shared by every run row
  CHECK(json::parse(*first) == DefinitionPin(*definition));
  const auto second = texts.Of(*other);
  CHECK(second.get() != first.get());
  CHECK(json::parse(*second) == DefinitionPin(*other));
  CHECK(PinIdentity(*definition) == json{{"name", definition->name},
                                         {"version", definition->version},
                                         {"sha256", definition->sha256}});
}

TEST_CASE("set, switch and when choose the path") {
  Run run(std::string(kHeader) + R"(
vars: {tier: none}
steps:
  - id: pick
    switch:
      cases:
        - when: ${ input.n > 10 }
          steps: [{id: big, set: {tier: big}}]
        - when: ${ input.n > 5 }
          steps: [{id: medium, set: {tier: medium}}]
      default: [{id: small, set: {tier: small}}]
  - id: skipped
    when: ${ vars.tier == "none" }
    fail: {type: Unreachable}
output: {tier: '${ vars.tier }', skipped: '${ steps.skipped.result }'}
)");
  auto commands = run.Start({{"n", 7}});
  CHECK(commands.back() == R"(complete_workflow result={"skipped":null,"tier":"medium"})");
}

TEST_CASE("an activity failure fails the run with the activity's failure, unless caught") {
  const std::string yaml = std::string(kHeader) + R"(
steps:
  - id: guarded
    try:
      steps: [{id: charge, call: pay, timeouts: {start_to_close: 5s}}]
      catch:
        - errors: [CardDeclined]
          as: problem
          steps: [{id: note, set: {reason: '${ problem.type + " at " + problem.step }'}}]
      finally: [{id: release, call: unlock, timeouts: {start_to_close: 5s}}]
  - id: after
    call: log
    timeouts: {start_to_close: 5s}
vars: {reason: ""}
output: ${ vars.reason }
)";
  SECTION("a matching catch handles it, then finally runs, then the next step") {
    Run run(yaml);
    run.Start();
    auto after_failure = run.FailActivity(1, "CardDeclined");
    REQUIRE(Kinds(after_failure) == std::vector<std::string>{"schedule_activity"});
    CHECK(Contains(after_failure[0], "type=unlock"));
    CHECK(Kinds(run.Complete(2, nullptr)) == std::vector<std::string>{"schedule_activity"});
    CHECK(run.Complete(3, nullptr) ==
          std::vector<std::string>{"complete_workflow result=\"CardDeclined at charge\""});
  }
  SECTION("another type runs finally, then fails the run with the activity's failure") {
    Run run(yaml);
    run.Start();
    run.FailActivity(1, "Unavailable");
    auto end = run.Complete(2, nullptr);
    REQUIRE(Kinds(end) == std::vector<std::string>{"fail_workflow"});
    const auto& failure = Last<FailWorkflow>(run).failure;
    CHECK(failure.kind == Failure::Kind::kActivity);
    REQUIRE(failure.cause);
    CHECK(failure.cause->type == "Unavailable");
  }
}

TEST_CASE("fail raises a typed error that catch sees, with its message and details") {
  Run run(std::string(kHeader) + R"(
vars: {seen: null}
steps:
  - id: attempt
    try:
      steps:
        - id: reject
          fail: {type: Rejected, message: '${ "no " + input.id }', details: {id: '${ input.id }'}, retryable: true}
      catch:
        - when: ${ error.retryable }
          steps: [{id: keep, set: {seen: '${ error }'}}]
output: ${ vars.seen }
)");
  auto end = run.Start({{"id", "x1"}});
  CHECK(
      end.back() ==
      R"(complete_workflow result={"details":{"id":"x1"},"message":"no x1","retryable":true,"step":"reject","type":"Rejected"})");
}

TEST_CASE("an uncaught fail ends the run with an application failure") {
  Run run(std::string(kHeader) + "steps: [{id: stop, fail: {type: Bad, message: why}}]\n");
  auto end = run.Start();
  CHECK(end.back() == R"(fail_workflow failure=application(type=Bad message="why" non_retryable))");
}

TEST_CASE("compensations run newest first when the run fails with on_failure: compensate") {
  Run run(std::string(kHeader) + R"(
defaults: {call: {timeouts: {start_to_close: 5s}}}
on_failure: compensate
steps:
  - id: charge
    call: pay
    compensate: {call: refund, args: {id: '${ steps.charge.result.id }'}}
  - id: reserve
    call: hold
    compensate: {call: release}
  - id: ship
    call: send
)");
  run.Start();
  run.Complete(1, {{"id", "ch_1"}});
  run.Complete(2, nullptr);
  auto undo = run.FailActivity(3, "NoCourier");
  REQUIRE(Kinds(undo) == std::vector<std::string>{"schedule_activity"});
  CHECK(Contains(undo[0], "type=release"));
  auto refund = run.Complete(4, nullptr);
  CHECK(Contains(refund[0], "type=refund"));
  CHECK(Contains(refund[0], R"(input={"id":"ch_1"})"));
  // A failed compensation does not stop the run from failing with the original error.
  auto end = run.FailActivity(5, "RefundFailed");
  REQUIRE(Kinds(end) == std::vector<std::string>{"fail_workflow"});
  CHECK(Last<FailWorkflow>(run).failure.cause->type == "NoCourier");
  // The run's failure says where it failed and which compensations ran, in the order they ran.
  CHECK(Last<FailWorkflow>(run).failure.step == "ship");
  CHECK(Last<FailWorkflow>(run).failure.compensations ==
        std::vector<std::string>{"compensate reserve", "compensate charge"});
}

TEST_CASE("catch with compensate undoes only its own try block") {
  Run run(std::string(kHeader) + R"(
defaults: {call: {timeouts: {start_to_close: 5s}}}
steps:
  - id: outer
    call: a
    compensate: {call: undo_a}
  - id: inner
    try:
      steps:
        - {id: b, call: b, compensate: {call: undo_b}}
        - {id: c, call: c}
      catch:
        - compensate: true
          steps: [{id: handled, set: {note: handled}}]
vars: {note: ""}
output: done
)");
  run.Start();
  run.Complete(1, nullptr);
  run.Complete(2, nullptr);
  auto undo = run.FailActivity(3, "Broken");
  REQUIRE(undo.size() == 1);
  CHECK(Contains(undo[0], "type=undo_b"));
  CHECK(run.Complete(4, nullptr) == std::vector<std::string>{"complete_workflow result=\"done\""});
}

TEST_CASE("parallel all waits for every branch; a failing branch cancels the others") {
  const std::string yaml = std::string(kHeader) + R"(
defaults: {call: {timeouts: {start_to_close: 5s}}}
steps:
  - id: both
    parallel:
      branches:
        - id: left
          steps: [{id: l, call: left}]
        - id: right
          steps: [{id: r, call: right}, {id: pause, wait: 1m}]
    result: both
output: ${ vars.both }
)";
  SECTION("results by branch id") {
    Run run(yaml);
    auto start = run.Start();
    CHECK(Kinds(start) ==
          std::vector<std::string>{"record_marker", "schedule_activity", "schedule_activity"});
    CHECK(run.Complete(2, "R") == std::vector<std::string>{"start_timer seq=1 duration=1m"});
    CHECK(run.Complete(1, "L").empty());
    CHECK(run.Activate({FireTimer{1}}) ==
          std::vector<std::string>{R"(complete_workflow result={"left":"L","right":null})"});
  }
  SECTION("an error cancels the branch still running") {
    Run run(yaml);
    run.Start();
    run.Complete(2, "R");
    auto end = run.FailActivity(1, "Nope");
    CHECK(Kinds(end) == std::vector<std::string>{"cancel_timer", "fail_workflow"});
  }
}

TEST_CASE("parallel any takes the first branch to finish and cancels the rest") {
  Run run(std::string(kHeader) + R"(
defaults: {call: {timeouts: {start_to_close: 5s}}}
steps:
  - id: race
    parallel:
      mode: any
      branches:
        - id: fast
          steps: [{id: f, call: fast}]
        - id: slow
          steps: [{id: s, call: slow}]
    result: winner
output: ${ vars.winner }
)");
  run.Start();
  auto end = run.Complete(2, "S");
  CHECK(end ==
        std::vector<std::string>{"request_cancel_activity seq=1",
                                 R"(complete_workflow result={"branch":"slow","result":"S"})"});
}

TEST_CASE("foreach runs at most `concurrency` iterations at once and collects in order") {
  Run run(std::string(kHeader) + R"(
steps:
  - id: each
    foreach:
      in: ${ input.items }
      as: it
      concurrency: 2
      steps:
        - id: work
          call: double
          args: {n: '${ it }', at: '${ index }'}
          timeouts: {start_to_close: 5s}
      collect: ${ steps.work.result * 10 }
    result: all
output: ${ vars.all }
)");
  auto start = run.Start({{"items", {1, 2, 3}}});
  REQUIRE(Kinds(start) ==
          std::vector<std::string>{"record_marker", "schedule_activity", "schedule_activity"});
  CHECK(Contains(start[2], R"(input={"at":1,"n":2})"));
  // The second finishes first: the third starts in its place.
  auto third = run.Complete(2, 4);
  REQUIRE(third.size() == 1);
  CHECK(Contains(third[0], R"(input={"at":2,"n":3})"));
  CHECK(run.Complete(3, 6).empty());
  CHECK(run.Complete(1, 2) == std::vector<std::string>{"complete_workflow result=[20,40,60]"});
}

TEST_CASE("foreach over an empty list gives an empty list; over a non-list it fails") {
  const std::string yaml = std::string(kHeader) + R"(
input: {type: object}
steps:
  - id: each
    foreach: {in: '${ input.items }', steps: [{id: w, call: x, timeouts: {start_to_close: 1s}}]}
    result: all
output: ${ vars.all }
)";
  CHECK(Run(yaml).Start({{"items", json::array()}}).back() == "complete_workflow result=[]");
  Run bad(yaml);
  CHECK(Contains(bad.Start({{"items", "nope"}}).back(), "type=ExpressionError"));
}

TEST_CASE("while stops when its condition fails, and fails past max_iterations") {
  const std::string yaml = std::string(kHeader) + R"(
vars: {n: 0}
steps:
  - id: loop
    while:
      condition: ${ vars.n < input.limit }
      max_iterations: 3
      steps: [{id: inc, set: {n: '${ vars.n + 1 }'}}]
output: ${ vars.n }
)";
  CHECK(Run(yaml).Start({{"limit", 3}}).back() == "complete_workflow result=3");
  auto over = Run(yaml).Start({{"limit", 4}}).back();
  CHECK(Contains(over, "type=MaxIterationsExceeded"));
}

TEST_CASE("a top-level while continues as new when the engine suggests it, and resumes") {
  const std::string yaml = std::string(kHeader) + R"(
vars: {n: 0}
steps:
  - id: first
    call: setup
    timeouts: {start_to_close: 5s}
  - id: loop
    while:
      condition: ${ vars.n < 3 }
      max_iterations: 10
      steps:
        - {id: tick, call: tick, timeouts: {start_to_close: 5s}}
        - {id: inc, set: {n: '${ vars.n + 1 }'}}
output: {n: '${ vars.n }', setup: '${ steps.first.result }'}
)";
  Run run(yaml);
  run.Start({{"x", 1}});
  run.Complete(1, "S");
  auto suggested = run.Activate({ResolveActivity{2, {.result = nullptr}}});
  REQUIRE(Kinds(suggested) == std::vector<std::string>{"schedule_activity"});
  auto carried = run.Activate(Activation{.now_unix_ms = run.now_ms,
                                         .continue_as_new_suggested = true,
                                         .jobs = {ResolveActivity{3, {.result = nullptr}}}});
  REQUIRE(Kinds(carried) == std::vector<std::string>{"continue_as_new"});
  const ContinueAsNew& again = Last<ContinueAsNew>(run);
  CHECK(again.input == json{{"x", 1}});
  CHECK(again.resume["iteration"] == 2);

  WorkflowInstance next(Load(yaml));
  auto resumed = next.Activate({.jobs = {StartWorkflow{.workflow_type = "t",
                                                       .workflow_id = "wf-1",
                                                       .run_id = "run-2",
                                                       .input = again.input,
                                                       .resume = again.resume}}});
  REQUIRE(resumed.size() == 2);
  CHECK(CommandText(resumed[1]) ==
        "schedule_activity seq=1 type=tick step=/steps/1/while/steps/0 start_to_close=5s "
        "schedule_to_close=- input=null");
  auto end = next.Activate({.jobs = {ResolveActivity{1, {.result = nullptr}}}});
  CHECK(CommandText(end.back()) == R"(complete_workflow result={"n":3,"setup":"S"})");
}

TEST_CASE("wait starts a durable timer; zero and past waits do not") {
  Run run(std::string(kHeader) + R"(
steps:
  - id: pause
    wait: 1h30m
  - id: computed
    wait: {for: '${ input.seconds }'}
  - id: past
    wait: {until: '${ timestamp("2020-01-01T00:00:00Z") }'}
output: ok
)");
  CHECK(run.Start({{"seconds", 2.5}}).back() == "start_timer seq=1 duration=1h30m");
  CHECK(run.Activate({FireTimer{1}}) ==
        std::vector<std::string>{"start_timer seq=2 duration=2s500ms"});
  CHECK(run.Activate({FireTimer{2}}) ==
        std::vector<std::string>{"complete_workflow result=\"ok\""});
}

TEST_CASE("await a signal: signals that came first are kept; the timeout cancels or fails") {
  const std::string yaml = std::string(kHeader) + R"(
handlers:
  signals:
    go: {}
steps:
  - id: wait_go
    await: {signal: go, timeout: 1h}
    result: payload
output: ${ vars.payload }
)";
  SECTION("a signal ends the wait and cancels the timer") {
    Run run(yaml);
    CHECK(run.Start().back() == "start_timer seq=1 duration=1h");
    CHECK(run.Activate({SignalWorkflow{"go", {{"n", 1}}}}) ==
          std::vector<std::string>{"cancel_timer seq=1", R"(complete_workflow result={"n":1})"});
  }
  SECTION("the timer fires first: a Timeout error") {
    Run run(yaml);
    run.Start();
    auto end = run.Activate({FireTimer{1}});
    CHECK(Contains(end.back(), "fail_workflow failure=timeout(type=Timeout"));
  }
  SECTION("a signal in the same activation as the start is not lost") {
    WorkflowInstance instance(Load(yaml));
    auto commands = instance.Activate(
        {.jobs = {StartWorkflow{.workflow_type = "t", .workflow_id = "w", .run_id = "r"},
                  SignalWorkflow{"go", 7}}});
    CHECK(CommandText(commands.back()) == "complete_workflow result=7");
  }
}

TEST_CASE("signal handlers set variables, an await condition sees them, queries read them") {
  Run run(std::string(kHeader) + R"(
vars: {decision: pending}
handlers:
  queries:
    state: ${ vars.decision }
  signals:
    decide:
      set: {decision: '${ signal.value }'}
steps:
  - id: decided
    await: {condition: '${ vars.decision != "pending" }'}
output: ${ vars.decision }
)");
  CHECK(Kinds(run.Start()) == std::vector<std::string>{"record_marker"});
  CHECK(run.Activate({QueryWorkflow{"q1", "state", nullptr}}) ==
        std::vector<std::string>{"respond_to_query id=q1 result=\"pending\""});
  auto unknown = run.Activate({QueryWorkflow{"q2", "nope", nullptr}});
  CHECK(Contains(unknown[0], "type=QueryNotFound"));
  CHECK(run.Activate({SignalWorkflow{"decide", {{"value", "yes"}}},
                      QueryWorkflow{"q3", "state", nullptr}}) ==
        std::vector<std::string>{"respond_to_query id=q3 result=\"yes\"",
                                 "complete_workflow result=\"yes\""});
  // A finished run still answers queries.
  CHECK(run.Activate({QueryWorkflow{"q4", "state", nullptr}}) ==
        std::vector<std::string>{"respond_to_query id=q4 result=\"yes\""});
}

TEST_CASE("commands name their step as people read it, with the branch and the iteration") {
  Run run(std::string(kHeader) + R"(
defaults: {call: {timeouts: {start_to_close: 10s}}}
steps:
  - id: prepare
    parallel:
      branches:
        - id: thumbs
          steps:
            - id: resize_all
              foreach:
                in: ${ input.images }
                concurrency: 2
                steps: [{id: resize, call: images.resize, args: '${ item }'}]
        - id: notes
          steps:
            - {id: cool_off, wait: 1h}
            - {id: go, await: {signal: go, timeout: 2h}}
            - {id: welcome, workflow: {name: send-welcome}}
handlers:
  signals: {go: {}}
)");
  run.Start({{"images", {"a", "b"}}});
  std::vector<std::string> labels;
  for (const Command& command : run.commands()) {
    if (const auto* schedule = std::get_if<ScheduleActivity>(&command)) {
      labels.push_back(schedule->step_label);
      CHECK(schedule->step_path == "/steps/0/parallel/branches/0/steps/0/foreach/steps/0");
    }
    if (const auto* timer = std::get_if<StartTimer>(&command)) labels.push_back(timer->step_label);
  }
  // Fibers run in creation order: both branches, then the iterations the first one spawned.
  CHECK(labels ==
        std::vector<std::string>{"notes/cool_off", "thumbs/resize[0]", "thumbs/resize[1]"});

  // The stack trace says where each branch stands, innermost step first, by label.
  run.Activate({QueryWorkflow{"q1", std::string(kStackTraceQuery), nullptr}});
  const auto& trace = std::get<RespondToQuery>(run.commands().at(0));
  REQUIRE(trace.result);
  CHECK(trace.result->get<std::string>() ==
        "at prepare (parallel)\n"
        "\n"
        "at thumbs/resize_all (foreach)\n"
        "\n"
        "at notes/cool_off (wait)\n"
        "\n"
        "at thumbs/resize[0] (call images.resize)\n"
        "\n"
        "at thumbs/resize[1] (call images.resize)\n");

  run.Activate({FireTimer{1}});
  REQUIRE(run.commands().size() == 1);
  CHECK(std::get<StartTimer>(run.commands()[0]).step_label == "notes/go timeout");
  run.Activate({SignalWorkflow{"go", nullptr}});
  std::vector<std::string> rest;
  for (const Command& command : run.commands()) {
    if (const auto* child = std::get_if<StartChildWorkflow>(&command)) {
      rest.push_back(child->step_label);
    }
  }
  CHECK(rest == std::vector<std::string>{"notes/welcome"});
}

TEST_CASE("a compensation is labelled by the step it undoes") {
  Run run(std::string(kHeader) + R"(
on_failure: compensate
defaults: {call: {timeouts: {start_to_close: 10s}}}
steps:
  - id: each
    foreach:
      in: ${ [1] }
      steps:
        - id: charge
          call: payments.charge
          compensate: {call: payments.refund}
  - {id: boom, fail: {type: Boom}}
)");
  run.Start();
  run.Complete(1, "ok");
  const auto& refund = std::get<ScheduleActivity>(run.commands().at(0));
  CHECK(refund.activity_type == "payments.refund");
  CHECK(refund.step_label == "compensate charge[0]");
  run.Complete(2, nullptr);
  CHECK(Last<FailWorkflow>(run).failure.step == "boom");
  CHECK(Last<FailWorkflow>(run).failure.compensations ==
        std::vector<std::string>{"compensate charge[0]"});
}

TEST_CASE("a run that fails inside a foreach names the iteration") {
  Run run(std::string(kHeader) + R"(
defaults: {call: {timeouts: {start_to_close: 10s}}}
steps:
  - id: each
    foreach:
      in: ${ [1, 2] }
      steps:
        - id: resize
          call: images.resize
)");
  run.Start();
  run.Complete(1, "ok");
  run.FailActivity(2, "TooBig");
  CHECK(Last<FailWorkflow>(run).failure.step == "resize[1]");
  CHECK(Last<FailWorkflow>(run).failure.compensations.empty());
}

TEST_CASE("the metadata query lists the handlers and tells what the run executes") {
  Run run(std::string(kHeader) + R"(
version: 3
description: Waits for a decision.
vars: {decision: pending}
handlers:
  queries:
    state: {value: '${ vars.decision }', description: The decision so far}
  signals:
    decide: {set: {decision: '${ signal }'}, description: Records the decision}
  updates:
    note: {result: '${ update }'}
steps:
  - {id: decided, await: {condition: '${ vars.decision != "pending" }'}}
)");
  run.Start();
  run.Activate({QueryWorkflow{"m", std::string(kMetadataQuery), nullptr}});
  const auto& answer = std::get<RespondToQuery>(run.commands().at(0));
  REQUIRE(answer.result);
  const json& metadata = *answer.result;
  CHECK(metadata["definition"]["type"] == "t");
  CHECK(metadata["definition"]["queryDefinitions"] == json::parse(R"([
          {"name": "__stack_trace",
           "description": "Where each branch of the run stands, by step id"},
          {"name": "__temporal_workflow_metadata",
           "description": "The workflow's queries, signals and updates"},
          {"name": "state", "description": "The decision so far"}])"));
  CHECK(metadata["definition"]["signalDefinitions"] ==
        json::parse(R"([{"name": "decide", "description": "Records the decision"}])"));
  CHECK(metadata["definition"]["updateDefinitions"] == json::parse(R"([{"name": "note"}])"));
  const std::string details = metadata["currentDetails"];
  CHECK(details.starts_with("t v3 (weft, sha256 "));
  CHECK(details.ends_with("\n\nWaits for a decision."));

  // Unknown names are refused as the Go SDK refuses them, listing the known ones in brackets,
  // where the Temporal UI reads them.
  run.Activate({QueryWorkflow{"q", "nope", nullptr}});
  const auto& unknown = std::get<RespondToQuery>(run.commands().at(0));
  REQUIRE(unknown.failure);
  CHECK(unknown.failure->type == "QueryNotFound");
  CHECK(unknown.failure->message ==
        "unknown queryType nope. KnownQueryTypes=[__stack_trace __temporal_workflow_metadata "
        "state]");
  run.Activate({DoUpdate{"u", "other", nullptr}});
  const auto& rejected = std::get<RejectUpdate>(run.commands().at(0));
  CHECK(rejected.failure.type == "UnknownUpdate");
  CHECK(rejected.failure.message == "unknown update other. KnownUpdates=[note]");
}

TEST_CASE("updates are validated, accepted, applied and completed") {
  Run run(std::string(kHeader) + R"(
vars: {notes: []}
handlers:
  signals:
    stop: {}
  updates:
    add:
      validate: ${ size(update.text) > 0 }
      set: {notes: '${ vars.notes + [update.text] }'}
      result: ${ size(vars.notes) }
steps:
  - id: wait_stop
    await: {signal: stop}
output: ${ vars.notes }
)");
  run.Start();
  CHECK(run.Activate({DoUpdate{"u1", "add", {{"text", "a"}}}}) ==
        std::vector<std::string>{"accept_update id=u1", "complete_update id=u1 result=1"});
  auto rejected = run.Activate({DoUpdate{"u2", "add", {{"text", ""}}}});
  REQUIRE(rejected.size() == 1);
  CHECK(Contains(rejected[0], "reject_update id=u2 failure=application(type=UpdateRejected"));
  // Replayed updates were accepted once already: the validator does not run again.
  CHECK(run.Activate({DoUpdate{"u3", "add", {{"text", ""}}, false}}) ==
        std::vector<std::string>{"accept_update id=u3", "complete_update id=u3 result=2"});
  CHECK(Contains(run.Activate({DoUpdate{"u4", "other", nullptr}})[0], "type=UnknownUpdate"));
  CHECK(run.Activate({SignalWorkflow{"stop", nullptr}}).back() ==
        R"(complete_workflow result=["a",""])");
}

TEST_CASE("a child workflow: started, waited for, its failure caught like an activity's") {
  Run run(std::string(kHeader) + R"(
steps:
  - id: provision
    workflow: {name: provision, input: {size: '${ input.size }'}}
    result: cluster
  - id: welcome
    workflow: {name: welcome, id: '${ "welcome-" + input.size }', wait: false}
    result: started
output: {cluster: '${ vars.cluster }', started: '${ vars.started }'}
)");
  CHECK(run.Start({{"size", "l"}}).back() ==
        R"(start_child_workflow seq=1 type=provision id=wf-1/provision-1 input={"size":"l"})");
  CHECK(run.Activate({ResolveChildWorkflowStart{1, true, "child-run"}}).empty());
  CHECK(run.Activate({ResolveChildWorkflow{1, ActivityResolution::Status::kCompleted, "c1"}}) ==
        std::vector<std::string>{
            R"(start_child_workflow seq=2 type=welcome id=welcome-l input=null)"});
  CHECK(
      run.Activate({ResolveChildWorkflowStart{2, true, "r2"}}) ==
      std::vector<std::string>{
          R"(complete_workflow result={"cluster":"c1","started":{"run_id":"r2","workflow_id":"welcome-l"}})"});
}

TEST_CASE("cancelling the run cancels what it waits on, runs finally, and ends cancelled") {
  Run run(std::string(kHeader) + R"(
defaults: {call: {timeouts: {start_to_close: 5s}}}
steps:
  - id: guarded
    try:
      steps: [{id: slow, call: slow}]
      catch:
        - steps: [{id: never, call: never}]
      finally: [{id: cleanup, call: cleanup}]
)");
  run.Start();
  auto cancelling = run.Activate({CancelWorkflow{"user asked"}});
  REQUIRE(cancelling.size() == 2);
  CHECK(cancelling[0] == "request_cancel_activity seq=1");
  CHECK(Contains(cancelling[1], "type=cleanup"));
  CHECK(run.Complete(2, nullptr) == std::vector<std::string>{"cancel_workflow_execution"});
  // A late result for the cancelled activity changes nothing.
  CHECK(run.Complete(1, nullptr).empty());
}

TEST_CASE("return ends the run from inside a branch, and continue_as_new carries an input") {
  Run run(std::string(kHeader) + R"(
steps:
  - id: both
    parallel:
      branches:
        - id: a
          steps: [{id: wait_a, wait: 1h}]
        - id: b
          steps: [{id: done, return: {continue_as_new: {input: {round: '${ input.round + 1 }'}}}}]
)");
  auto start = run.Start({{"round", 1}});
  CHECK(start == std::vector<std::string>{"record_marker name=weft.definition definition=t@1",
                                          "start_timer seq=1 duration=1h", "cancel_timer seq=1",
                                          R"(continue_as_new input={"round":2})"});
}

TEST_CASE("expression errors at run time fail the step with where and what, catchably") {
  Run run(std::string(kHeader) + R"(
input: {type: object}
vars: {got: null}
steps:
  - id: risky
    try:
      steps: [{id: read, set: {got: '${ input.missing.deeper }'}}]
      catch:
        - errors: [ExpressionError]
          steps: [{id: keep, set: {got: '${ error.message }'}}]
output: ${ vars.got }
)");
  auto end = run.Start();
  CHECK(Contains(end.back(), "test.yaml:"));
  CHECK(Contains(end.back(), "input.missing.deeper"));
}

TEST_CASE("a run loaded from its pin names the user's line and column in expression errors") {
  // The user's file, with a comment and flow style that the canonical JSON does not keep.
  auto definition = Load(std::string(kHeader) + R"(# reads what is not there
input: {type: object}
vars: {got: null}
steps:
  - id: read
    set: {got: '${ input.missing.deeper }'}
)");
  const std::string from_file = Run(definition).Start().back();
  CHECK(Contains(from_file, "test.yaml:8:16: error["));

  auto pinned = LoadPinnedDefinition(DefinitionPin(*definition));
  REQUIRE(pinned);
  CHECK((*pinned)->sha256 == definition->sha256);
  CHECK((*pinned)->file != "test.yaml");            // it was loaded from the canonical JSON...
  CHECK(Run(*pinned).Start().back() == from_file);  // ...and still says where the user wrote it

  // A pin written before pins kept a source map: the canonical form's own position.
  json bare = DefinitionPin(*definition);
  bare.erase("source");
  auto old = LoadPinnedDefinition(bare);
  REQUIRE(old);
  CHECK(Contains(Run(*old).Start().back(), "pinned:t@"));
}

TEST_CASE("uuid() and random() are the same on every replay of a run") {
  const std::string yaml = std::string(kHeader) + R"(
vars: {id: "", r: 0}
steps:
  - id: draw
    set: {id: '${ uuid() }', r: '${ random() }'}
output: {id: '${ vars.id }', r: '${ vars.r }'}
)";
  auto first = Run(yaml).Start().back();
  auto again = Run(yaml).Start().back();
  CHECK(first == again);
  CHECK(Contains(first, "-4"));  // a version 4 UUID
}

TEST_CASE("search attributes and memo are set when the run starts") {
  Run run(std::string(kHeader) + R"(
search_attributes: {CustomerId: '${ input.id }'}
memo: {plan: free}
vars: {x: 0}
steps: [{id: s, set: {x: 1}}]
)");
  auto start = run.Start({{"id", "c7"}});
  CHECK(start == std::vector<std::string>{"record_marker name=weft.definition definition=t@1",
                                          R"(upsert_search_attributes {"CustomerId":"c7"})",
                                          R"(upsert_memo {"plan":"free"})",
                                          "complete_workflow result=null"});
}

TEST_CASE("a loop that never waits is stopped by the step budget, not by hanging") {
  Run run(std::string(kHeader) + R"(
vars: {n: 0}
steps:
  - id: spin
    while:
      condition: ${ true }
      max_iterations: 100000000
      steps: [{id: inc, set: {n: '${ vars.n + 1 }'}}]
)");
  CHECK(Contains(run.Start().back(), "type=StepBudgetExceeded"));
}

TEST_CASE("a start beyond the nanoseconds an int64 holds has no start_time, and no overflow") {
  // Found by the history_replay fuzz target: a history whose start event is in the year 4052.
  Run run(std::string(kHeader) + "steps: [{id: done, return: '${ workflow.start_time }'}]\n");
  run.now_ms = 65'730'910'840'827;
  CHECK(run.Start().back() == "complete_workflow result=null");
  Run today(std::string(kHeader) + "steps: [{id: done, return: '${ workflow.start_time }'}]\n");
  CHECK(today.Start().back() == R"(complete_workflow result="2026-01-01T00:00:00Z")");
}

}  // namespace weft::interpreter
