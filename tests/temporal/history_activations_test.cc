// HistoryActivations: a weft run's Temporal history read as the embedded journal's activations,
// on a canned history of tests/ui/workflows/approval.yaml's run:
//
//   1 WorkflowExecutionStarted   2-4 WorkflowTask scheduled, started, completed
//   5 ActivityTaskScheduled (id 1, summary "note")   6 TimerStarted (id 1, "approve timeout")
//   7 ActivityTaskStarted   8 ActivityTaskCompleted   9-11 WorkflowTask
//   12 WorkflowExecutionSignaled approve   13-15 WorkflowTask
//   16 TimerCanceled   17 ActivityTaskScheduled (id 2, summary "done")   18 started
//   19 ActivityTaskFailed   20-22 WorkflowTask   23 WorkflowExecutionFailed
#include "runtime/temporal/history_activations.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "runtime/temporal/payload.h"

using nlohmann::json;
using ::temporal::api::history::v1::HistoryEvent;
namespace enums = ::temporal::api::enums::v1;

namespace {

class HistoryBuilder {
 public:
  HistoryEvent& Add(enums::EventType type) {
    HistoryEvent& event = events_.emplace_back();
    event.set_event_id(static_cast<std::int64_t>(events_.size()));
    event.set_event_type(type);
    event.mutable_event_time()->set_seconds(1'700'000'000 + event.event_id());
    return event;
  }
  void WorkflowTask() {
    Add(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    Add(enums::EVENT_TYPE_WORKFLOW_TASK_STARTED);
    Add(enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  }
  void Summarize(HistoryEvent& event, const std::string& step) {
    *event.mutable_user_metadata()->mutable_summary() = weft::temporal::ToPayload(step);
  }
  const std::vector<HistoryEvent>& events() const { return events_; }

 private:
  std::vector<HistoryEvent> events_;
};

}  // namespace

TEST_CASE("A history reads as activations: jobs that woke the run, commands naming steps") {
  HistoryBuilder history;
  history.Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  history.WorkflowTask();
  HistoryEvent& note = history.Add(enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  note.mutable_activity_task_scheduled_event_attributes()->set_activity_id("1");
  note.mutable_activity_task_scheduled_event_attributes()->mutable_activity_type()->set_name("log");
  *note.mutable_activity_task_scheduled_event_attributes()->mutable_input() =
      weft::temporal::ToPayloads({{"message", "hi"}});
  history.Summarize(note, "note");
  HistoryEvent& timer = history.Add(enums::EVENT_TYPE_TIMER_STARTED);
  timer.mutable_timer_started_event_attributes()->set_timer_id("1");
  timer.mutable_timer_started_event_attributes()->mutable_start_to_fire_timeout()->set_seconds(
      3600);
  history.Summarize(timer, "approve timeout");
  history.Add(enums::EVENT_TYPE_ACTIVITY_TASK_STARTED);
  HistoryEvent& noted = history.Add(enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
  noted.mutable_activity_task_completed_event_attributes()->set_scheduled_event_id(5);
  *noted.mutable_activity_task_completed_event_attributes()->mutable_result() =
      weft::temporal::ToPayloads(nullptr);
  history.WorkflowTask();
  history.Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
      .mutable_workflow_execution_signaled_event_attributes()
      ->set_signal_name("approve");
  history.WorkflowTask();
  history.Add(enums::EVENT_TYPE_TIMER_CANCELED)
      .mutable_timer_canceled_event_attributes()
      ->set_timer_id("1");
  HistoryEvent& done = history.Add(enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  done.mutable_activity_task_scheduled_event_attributes()->set_activity_id("2");
  done.mutable_activity_task_scheduled_event_attributes()->mutable_activity_type()->set_name("log");
  history.Summarize(done, "done");
  history.Add(enums::EVENT_TYPE_ACTIVITY_TASK_STARTED);
  HistoryEvent& failed = history.Add(enums::EVENT_TYPE_ACTIVITY_TASK_FAILED);
  failed.mutable_activity_task_failed_event_attributes()->set_scheduled_event_id(17);
  failed.mutable_activity_task_failed_event_attributes()->mutable_failure()->set_message("down");
  history.WorkflowTask();
  history.Add(enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);

  const json activations = weft::temporal::HistoryActivations(history.events());
  REQUIRE(activations.size() == 4);
  CHECK(activations[0]["seq"] == 1);
  CHECK(activations[0]["time_ms"] == 1'700'000'001'000);
  CHECK(activations[0]["jobs"] == json{{{"job", "start_workflow"}}});
  CHECK(activations[0]["commands"][0] == json{{"command", "schedule_activity"},
                                              {"seq", 1},
                                              {"step_label", "note"},
                                              {"activity_type", "log"},
                                              {"input", {{"message", "hi"}}}});
  CHECK(activations[0]["commands"][1] == json{{"command", "start_timer"},
                                              {"seq", 1},
                                              {"step_label", "approve timeout"},
                                              {"duration_ms", 3'600'000}});
  CHECK(activations[1]["jobs"][0]["job"] == "resolve_activity");
  CHECK(activations[1]["jobs"][0]["seq"] == 1);
  CHECK(activations[1]["jobs"][0]["status"] == "completed");
  CHECK(activations[1]["commands"].empty());
  CHECK(activations[2]["jobs"] == json{{{"job", "signal"}, {"name", "approve"}}});
  CHECK(activations[2]["commands"][0] == json{{"command", "cancel_timer"}, {"seq", 1}});
  CHECK(activations[2]["commands"][1]["step_label"] == "done");
  CHECK(activations[3]["jobs"][0]["status"] == "failed");
  CHECK(activations[3]["jobs"][0]["seq"] == 2);
  CHECK(activations[3]["jobs"][0]["failure"]["message"] == "down");
  CHECK(activations[3]["commands"][0]["command"] == "fail_workflow");
}
