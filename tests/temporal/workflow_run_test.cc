// Replay: histories split into logical workflow tasks, activations built from their events,
// commands matched against the events recorded for them. The interpreter is a script here, so
// that each test states exactly which commands a workflow produced.

#include "runtime/temporal/workflow_run.h"

#include <catch2/catch.hpp>

#include "runtime/temporal/payload.h"
#include "temporal/api/enums/v1/event_type.pb.h"

namespace {

namespace enums = ::temporal::api::enums::v1;
namespace interpreter = weft::interpreter;
using nlohmann::json;
using weft::temporal::HistoryEvent;
using weft::temporal::LogicalWorkflowTask;
using weft::temporal::ReplayError;
using weft::temporal::SplitIntoWorkflowTasks;
using weft::temporal::WorkflowRun;
using namespace std::chrono_literals;

// Builds a history event by event, numbering them.
class History {
 public:
  HistoryEvent& Add(enums::EventType type) {
    auto event = std::make_unique<HistoryEvent>();
    event->set_event_id(static_cast<std::int64_t>(events_.size()) + first_id_);
    event->set_event_type(type);
    event->mutable_event_time()->set_seconds(1'700'000'000 + event->event_id());
    events_.push_back(std::move(event));
    return *events_.back();
  }
  void Started(json input) {
    auto& attributes = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
                            .mutable_workflow_execution_started_event_attributes();
    attributes.mutable_workflow_type()->set_name("order");
    *attributes.mutable_input() = weft::temporal::ToPayloads(input);
    attributes.set_original_execution_run_id("run-1");
    attributes.set_attempt(1);
  }
  void Task(bool completed = true) {
    Add(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    Add(enums::EVENT_TYPE_WORKFLOW_TASK_STARTED);
    if (completed) Add(enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  }
  std::int64_t ActivityScheduled(const std::string& id, const std::string& type) {
    auto& event = Add(enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    event.mutable_activity_task_scheduled_event_attributes()->set_activity_id(id);
    event.mutable_activity_task_scheduled_event_attributes()->mutable_activity_type()->set_name(
        type);
    return event.event_id();
  }
  void ActivityCompleted(std::int64_t scheduled, json result) {
    Add(enums::EVENT_TYPE_ACTIVITY_TASK_STARTED);
    auto& attributes = *Add(enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
                            .mutable_activity_task_completed_event_attributes();
    attributes.set_scheduled_event_id(scheduled);
    *attributes.mutable_result() = weft::temporal::ToPayloads(result);
  }
  void TimerStarted(const std::string& id) {
    Add(enums::EVENT_TYPE_TIMER_STARTED).mutable_timer_started_event_attributes()->set_timer_id(id);
  }
  void TimerFired(const std::string& id) {
    Add(enums::EVENT_TYPE_TIMER_FIRED).mutable_timer_fired_event_attributes()->set_timer_id(id);
  }
  void Marker(const std::string& name, json data) {
    auto& attributes =
        *Add(enums::EVENT_TYPE_MARKER_RECORDED).mutable_marker_recorded_event_attributes();
    attributes.set_marker_name(name);
    (*attributes.mutable_details())["data"] = weft::temporal::ToPayloads(data);
  }
  void Signaled(const std::string& name, json payload) {
    auto& attributes = *Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                            .mutable_workflow_execution_signaled_event_attributes();
    attributes.set_signal_name(name);
    *attributes.mutable_input() = weft::temporal::ToPayloads(payload);
  }

  std::vector<const HistoryEvent*> From(std::int64_t event_id) const {
    std::vector<const HistoryEvent*> slice;
    for (const auto& event : events_) {
      if (event->event_id() >= event_id) slice.push_back(event.get());
    }
    return slice;
  }
  std::vector<const HistoryEvent*> All() const { return From(0); }
  HistoryEvent& First() { return *events_.front(); }

 private:
  std::int64_t first_id_ = 1;
  std::vector<std::unique_ptr<HistoryEvent>> events_;
};

// The workflow of docs/temporal-protocol.md#history-events: an activity and a timer at the start,
// completion when the timer fires.
struct ActivityAndTimer {
  std::vector<interpreter::Activation> seen;
  bool swap_commands = false;  // a changed definition: the timer before the activity

  std::vector<interpreter::Command> operator()(const interpreter::Activation& activation) {
    seen.push_back(activation);
    std::vector<interpreter::Command> commands;
    for (const auto& job : activation.jobs) {
      if (std::holds_alternative<interpreter::StartWorkflow>(job)) {
        interpreter::Command schedule =
            interpreter::ScheduleActivity{.seq = 1,
                                          .activity_id = "1",
                                          .activity_type = "charge",
                                          .input = 42,
                                          .timeouts = {.start_to_close = 10s}};
        interpreter::Command timer = interpreter::StartTimer{.seq = 1, .duration = 60s};
        if (swap_commands) std::swap(schedule, timer);
        commands.push_back(schedule);
        commands.push_back(timer);
      }
      if (std::holds_alternative<interpreter::FireTimer>(job)) {
        commands.push_back(interpreter::CompleteWorkflow{.result = "done"});
      }
    }
    return commands;
  }
};

History ActivityAndTimerHistory() {
  History history;
  history.Started({{"order", 7}});
  history.Task();                                                     // 2, 3, 4
  std::int64_t scheduled = history.ActivityScheduled("1", "charge");  // 5
  history.TimerStarted("1");                                          // 6
  history.ActivityCompleted(scheduled, {{"charged", true}});          // 7, 8
  history.Task();                                                     // 9, 10, 11
  history.TimerFired("1");                                            // 12
  history.Task();                                                     // 13, 14, 15
  history.Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);        // 16
  return history;
}

// A local activity first, then a timer once it resolved, then completion with its result.
struct LocalThenTimer {
  std::vector<interpreter::Activation> seen;
  json result;

  std::vector<interpreter::Command> operator()(const interpreter::Activation& activation) {
    seen.push_back(activation);
    std::vector<interpreter::Command> commands;
    for (const auto& job : activation.jobs) {
      if (std::holds_alternative<interpreter::StartWorkflow>(job)) {
        commands.push_back(interpreter::ScheduleActivity{.seq = 1,
                                                         .activity_id = "1",
                                                         .activity_type = "reserve",
                                                         .timeouts = {.start_to_close = 10s},
                                                         .local = true});
      } else if (const auto* resolved = std::get_if<interpreter::ResolveActivity>(&job)) {
        result = resolved->resolution.result;
        commands.push_back(interpreter::StartTimer{.seq = 1, .duration = 1s});
      } else if (std::holds_alternative<interpreter::FireTimer>(job)) {
        commands.push_back(interpreter::CompleteWorkflow{.result = result});
      }
    }
    return commands;
  }
};

json LocalMarkerData(std::uint32_t seq, const std::string& type, json result) {
  return {{"seq", seq},
          {"activity_id", std::to_string(seq)},
          {"activity_type", type},
          {"attempt", 2},
          {"result", std::move(result)}};
}

std::expected<std::vector<interpreter::Command>, ReplayError> ReplayAll(
    WorkflowRun& run, const std::vector<LogicalWorkflowTask>& tasks) {
  std::vector<interpreter::Command> last;
  for (const auto& task : tasks) {
    auto commands = run.Apply(task);
    if (!commands) return commands;
    last = *commands;
  }
  return last;
}

}  // namespace

TEST_CASE("a history splits into the tasks the workflow was activated in") {
  History history = ActivityAndTimerHistory();
  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  REQUIRE(tasks->size() == 3);
  CHECK((*tasks)[0].started_event_id == 3);
  CHECK((*tasks)[0].events.size() == 1);          // WorkflowExecutionStarted
  CHECK((*tasks)[0].command_events.size() == 2);  // ActivityTaskScheduled, TimerStarted
  CHECK((*tasks)[1].events.size() == 2);          // ActivityTaskStarted, ActivityTaskCompleted
  CHECK((*tasks)[1].command_events.empty());
  CHECK((*tasks)[2].command_events.size() == 1);  // WorkflowExecutionCompleted
  for (const auto& task : *tasks) CHECK(task.completed);
  CHECK((*tasks)[1].now_unix_ms == (1'700'000'000LL + 10) * 1000);
}

TEST_CASE("a full replay matches every command to its event") {
  History history = ActivityAndTimerHistory();
  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  ActivityAndTimer workflow;
  WorkflowRun run(std::ref(workflow), "order-7", "run-1", "weft");
  auto last = ReplayAll(run, *tasks);
  REQUIRE(last);
  CHECK(last->empty());  // nothing new to send: the history is complete

  REQUIRE(workflow.seen.size() == 3);
  CHECK(workflow.seen[0].is_replaying);
  const auto& start = std::get<interpreter::StartWorkflow>(workflow.seen[0].jobs.at(0));
  CHECK(start.input == json{{"order", 7}});
  CHECK(start.workflow_id == "order-7");
  const auto& resolved = std::get<interpreter::ResolveActivity>(workflow.seen[1].jobs.at(0));
  CHECK(resolved.seq == 1);
  CHECK(resolved.resolution.result == json{{"charged", true}});
  CHECK(std::get<interpreter::FireTimer>(workflow.seen[2].jobs.at(0)).seq == 1);
  CHECK(run.encode_context().activity_scheduled_event_ids.at(1) == 5);
}

TEST_CASE(
    "the start job carries the task queue, a seed and the resume state of the started event") {
  History resumed;
  resumed.Started({{"page", 2}});
  {
    auto* started = resumed.First().mutable_workflow_execution_started_event_attributes();
    started->mutable_task_queue()->set_name("orders");
    (*started->mutable_header()->mutable_fields())["weft-resume"] =
        weft::temporal::ToPayload(json{{"step", "/steps/1"}});
    started->set_continued_execution_run_id("run-0");
  }
  resumed.Task(false);
  auto tasks = SplitIntoWorkflowTasks(resumed.All());
  REQUIRE(tasks);
  ActivityAndTimer workflow;
  WorkflowRun run(std::ref(workflow), "pages", "run-1", "orders");
  REQUIRE(ReplayAll(run, *tasks));
  const auto& start = std::get<interpreter::StartWorkflow>(workflow.seen.at(0).jobs.at(0));
  CHECK(start.task_queue == "orders");
  CHECK(start.resume == json{{"step", "/steps/1"}});
  CHECK(start.continued_from_run_id == "run-0");
  CHECK(start.input == json{{"page", 2}});

  // The seed is a function of the run's original id: the same on every replay.
  ActivityAndTimer again;
  WorkflowRun replayed(std::ref(again), "pages", "run-1", "orders");
  REQUIRE(ReplayAll(replayed, *tasks));
  CHECK(std::get<interpreter::StartWorkflow>(again.seen.at(0).jobs.at(0)).random_seed ==
        start.random_seed);
}

TEST_CASE("a changed order of commands is non-determinism, naming the event") {
  History history = ActivityAndTimerHistory();
  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  ActivityAndTimer workflow{.swap_commands = true};
  WorkflowRun run(std::ref(workflow), "order-7", "run-1", "weft");
  auto result = ReplayAll(run, *tasks);
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == ReplayError::Kind::kNonDeterminism);
  CHECK(result.error().event_id == 5);
  CHECK_THAT(result.error().message, Catch::Contains("EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"));
  CHECK_THAT(result.error().message, Catch::Contains("start_timer"));
  CHECK(result.error().code == "WEFT3001");
}

TEST_CASE("a command history does not have, or an event without its command, is caught") {
  History history;
  history.Started(nullptr);
  history.Task();
  history.TimerStarted("1");
  history.TimerStarted("2");  // the workflow now starts one timer only
  history.Task(/*completed=*/false);
  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  WorkflowRun run(
      [](const interpreter::Activation&) {
        return std::vector<interpreter::Command>{interpreter::StartTimer{.seq = 1, .duration = 1s}};
      },
      "w", "r", "weft");
  auto result = run.Apply((*tasks)[0]);
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message, Catch::Contains("produced no such command"));
  CHECK_THAT(result.error().message, Catch::Contains("event 6 (EVENT_TYPE_TIMER_STARTED)"));
  CHECK(result.error().code == "WEFT3003");
}

TEST_CASE("the current task's commands are returned, then matched when their events arrive") {
  History history;
  history.Started({{"order", 1}});
  history.Task(/*completed=*/false);  // 2, 3: the first task, to answer now
  ActivityAndTimer workflow;
  WorkflowRun run(std::ref(workflow), "order-1", "run-1", "weft");

  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  REQUIRE(tasks->size() == 1);
  CHECK_FALSE((*tasks)[0].completed);
  auto commands = run.Apply((*tasks)[0]);
  REQUIRE(commands);
  REQUIRE(commands->size() == 2);
  CHECK(std::holds_alternative<interpreter::ScheduleActivity>((*commands)[0]));
  CHECK_FALSE(workflow.seen[0].is_replaying);

  // The server recorded them; the next (sticky) task starts with that completion.
  history.Add(enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED);             // 4
  std::int64_t scheduled = history.ActivityScheduled("1", "charge");  // 5
  history.TimerStarted("1");                                          // 6
  history.ActivityCompleted(scheduled, "ok");                         // 7, 8
  history.Signaled("cancel-order", {{"why", "changed mind"}});        // 9
  history.Task(/*completed=*/false);                                  // 10, 11
  auto increment = SplitIntoWorkflowTasks(history.From(4));
  REQUIRE(increment);
  REQUIRE(increment->size() == 2);
  CHECK((*increment)[0].started_event_id == 0);  // only the completion of the last task
  REQUIRE(run.Apply((*increment)[0]));
  auto next = run.Apply((*increment)[1]);
  REQUIRE(next);
  CHECK(next->empty());
  REQUIRE(workflow.seen.size() == 2);
  REQUIRE(workflow.seen[1].jobs.size() == 2);
  CHECK(std::holds_alternative<interpreter::ResolveActivity>(workflow.seen[1].jobs[0]));
  CHECK(std::get<interpreter::SignalWorkflow>(workflow.seen[1].jobs[1]).name == "cancel-order");
}

TEST_CASE("a failed or timed-out workflow task attempt is invisible to the workflow") {
  History history;
  history.Started(nullptr);
  history.Add(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  history.Add(enums::EVENT_TYPE_WORKFLOW_TASK_STARTED);
  history.Add(enums::EVENT_TYPE_WORKFLOW_TASK_FAILED);
  history.Signaled("go", 1);
  history.Task(/*completed=*/false);
  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  REQUIRE(tasks->size() == 1);
  CHECK((*tasks)[0].events.size() == 2);  // the start and the signal, in one activation
  CHECK((*tasks)[0].started_event_id == 7);
}

TEST_CASE("a history with a gap is refused") {
  History history;
  history.Started(nullptr);
  history.Task();
  auto events = history.All();
  events.erase(events.begin() + 1);
  auto tasks = SplitIntoWorkflowTasks(events);
  REQUIRE_FALSE(tasks);
  CHECK_THAT(tasks.error(), Catch::Contains("not contiguous"));
}

TEST_CASE("an event applied twice to one run is refused, never counted twice") {
  History history = ActivityAndTimerHistory();
  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  ActivityAndTimer workflow;
  WorkflowRun run(std::ref(workflow), "order-7", "run-1", "weft");
  REQUIRE(ReplayAll(run, *tasks));
  auto again = run.Apply((*tasks)[0]);
  REQUIRE_FALSE(again);
  CHECK(again.error().kind == ReplayError::Kind::kRepeatedEvent);
  CHECK(workflow.seen.size() == 3);  // the interpreter never saw the repeated start
}

TEST_CASE("a local activity leaves no command; its outcome goes out as a marker, then the rest") {
  History history;
  history.Started({});
  history.Task(false);  // the current task
  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  LocalThenTimer workflow;
  WorkflowRun run(std::ref(workflow), "order-7", "run-1", "weft");
  auto commands = ReplayAll(run, *tasks);
  REQUIRE(commands);
  CHECK(commands->empty());  // nothing for the server: the worker runs the activity
  REQUIRE(run.pending_locals().size() == 1);
  CHECK(run.pending_locals().at(1).activity_type == "reserve");
  REQUIRE(run.TakeIssued().size() == 1);  // the trace still sees the schedule

  auto next = run.ResolveLocal({.seq = 1,
                                .activity_id = "1",
                                .activity_type = "reserve",
                                .attempt = 2,
                                .resolution = {.result = {{"held", 3}}}});
  REQUIRE(next.size() == 2);
  const auto& marker = std::get<interpreter::RecordMarker>(next[0]);
  CHECK(marker.name == "weft.local_activity");
  CHECK(marker.data == LocalMarkerData(1, "reserve", {{"held", 3}}));
  CHECK(std::holds_alternative<interpreter::StartTimer>(next[1]));
  CHECK(run.pending_locals().empty());
  CHECK(workflow.result == json{{"held", 3}});
  // An outcome of an activity no longer pending (cancelled meanwhile) changes nothing.
  CHECK(run.ResolveLocal({.seq = 1, .activity_type = "reserve"}).empty());
}

TEST_CASE("on replay a local activity's marker resolves it where history recorded it") {
  History history;
  history.Started({});
  history.Task();                                                                       // 2, 3, 4
  history.Marker("weft.local_activity", LocalMarkerData(1, "reserve", {{"held", 3}}));  // 5
  history.TimerStarted("1");                                                            // 6
  history.TimerFired("1");                                                              // 7
  history.Task();                                                                       // 8, 9, 10
  history.Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);                          // 11
  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  LocalThenTimer workflow;
  WorkflowRun run(std::ref(workflow), "order-7", "run-1", "weft");
  auto last = ReplayAll(run, *tasks);
  REQUIRE(last);
  CHECK(last->empty());
  CHECK(run.pending_locals().empty());  // nothing to run again
  REQUIRE(workflow.seen.size() == 3);
  const auto& resolved = std::get<interpreter::ResolveActivity>(workflow.seen[1].jobs.at(0));
  CHECK(resolved.seq == 1);
  CHECK(resolved.resolution.result == json{{"held", 3}});
  CHECK(workflow.seen[1].is_replaying);
}

TEST_CASE("a local activity with no marker yet stays pending after replay, to be run again") {
  History history;
  history.Started({});
  history.Task();       // a heartbeat: completed without the marker
  history.Task(false);  // the current task
  auto tasks = SplitIntoWorkflowTasks(history.All());
  REQUIRE(tasks);
  LocalThenTimer workflow;
  WorkflowRun run(std::ref(workflow), "order-7", "run-1", "weft");
  auto commands = ReplayAll(run, *tasks);
  REQUIRE(commands);
  CHECK(commands->empty());
  CHECK(run.pending_locals().contains(1));
}

TEST_CASE("a local activity marker that does not match what the workflow scheduled diverges") {
  auto replay = [](json data) {
    History history;
    history.Started({});
    history.Task();
    history.Marker("weft.local_activity", std::move(data));
    history.Task(false);
    auto tasks = SplitIntoWorkflowTasks(history.All());
    REQUIRE(tasks);
    LocalThenTimer workflow;
    WorkflowRun run(std::ref(workflow), "order-7", "run-1", "weft");
    return ReplayAll(run, *tasks);
  };
  auto other_type = replay(LocalMarkerData(1, "release", nullptr));
  REQUIRE_FALSE(other_type);
  CHECK(other_type.error().code == "WEFT3001");
  CHECK(other_type.error().event_id == 5);
  auto never_scheduled = replay(LocalMarkerData(2, "reserve", nullptr));
  REQUIRE_FALSE(never_scheduled);
  CHECK(never_scheduled.error().code == "WEFT3003");
  auto unreadable = replay(json{{"seq", "one"}});
  REQUIRE_FALSE(unreadable);
  CHECK(unreadable.error().kind == ReplayError::Kind::kUnsupportedEvent);
  CHECK_THAT(unreadable.error().message, Catch::Contains("needs seq"));
}
