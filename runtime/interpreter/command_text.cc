#include "runtime/interpreter/command_text.h"

#include <type_traits>

#include "dsl/duration.h"

namespace weft::interpreter {
namespace {

std::string Json(const nlohmann::json& value) { return value.dump(); }

std::string Duration(const std::optional<Milliseconds>& duration) {
  return duration ? dsl::FormatDuration(*duration) : "-";
}

const char* KindName(Failure::Kind kind) {
  switch (kind) {
    case Failure::Kind::kApplication:
      return "application";
    case Failure::Kind::kTimeout:
      return "timeout";
    case Failure::Kind::kCancelled:
      return "cancelled";
    case Failure::Kind::kTerminated:
      return "terminated";
    case Failure::Kind::kActivity:
      return "activity";
    case Failure::Kind::kChildWorkflow:
      return "child_workflow";
    case Failure::Kind::kNonDeterminism:
      return "non_determinism";
  }
  return "?";
}

const char* StatusName(ActivityResolution::Status status) {
  switch (status) {
    case ActivityResolution::Status::kCompleted:
      return "completed";
    case ActivityResolution::Status::kFailed:
      return "failed";
    case ActivityResolution::Status::kCancelled:
      return "cancelled";
  }
  return "?";
}

}  // namespace

std::string FailureText(const Failure& failure) {
  std::string text = std::string(KindName(failure.kind)) + "(";
  if (!failure.type.empty()) text += "type=" + failure.type + " ";
  text += "message=" + Json(failure.message);
  if (!failure.details.is_null()) text += " details=" + Json(failure.details);
  if (failure.non_retryable) text += " non_retryable";
  if (failure.cause) text += " cause=" + FailureText(*failure.cause);
  return text + ")";
}

std::string CommandText(const Command& command) {
  return std::visit(
      [](const auto& c) -> std::string {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, ScheduleActivity>) {
          std::string text = "schedule_activity seq=" + std::to_string(c.seq) +
                             " type=" + c.activity_type + " step=" + c.step_path;
          if (c.task_queue) text += " task_queue=" + *c.task_queue;
          text += " start_to_close=" + Duration(c.timeouts.start_to_close) +
                  " schedule_to_close=" + Duration(c.timeouts.schedule_to_close);
          if (c.retry.maximum_attempts != 0) {
            text += " maximum_attempts=" + std::to_string(c.retry.maximum_attempts);
          }
          return text + " input=" + Json(c.input);
        } else if constexpr (std::is_same_v<T, RequestCancelActivity>) {
          return "request_cancel_activity seq=" + std::to_string(c.seq);
        } else if constexpr (std::is_same_v<T, StartTimer>) {
          return "start_timer seq=" + std::to_string(c.seq) +
                 " duration=" + dsl::FormatDuration(c.duration);
        } else if constexpr (std::is_same_v<T, CancelTimer>) {
          return "cancel_timer seq=" + std::to_string(c.seq);
        } else if constexpr (std::is_same_v<T, StartChildWorkflow>) {
          return "start_child_workflow seq=" + std::to_string(c.seq) + " type=" + c.workflow_type +
                 (c.version ? " version=" + std::to_string(*c.version) : "") +
                 " id=" + c.workflow_id + " input=" + Json(c.input);
        } else if constexpr (std::is_same_v<T, RequestCancelChildWorkflow>) {
          return "request_cancel_child_workflow seq=" + std::to_string(c.seq);
        } else if constexpr (std::is_same_v<T, SignalExternalWorkflow>) {
          return "signal_external_workflow seq=" + std::to_string(c.seq) + " id=" + c.workflow_id +
                 " signal=" + c.signal + " payload=" + Json(c.payload);
        } else if constexpr (std::is_same_v<T, RecordMarker>) {
          // The definition pin is long; its identity is what a trace needs.
          if (c.data.is_object() && c.data.contains("sha256")) {
            return "record_marker name=" + c.name +
                   " definition=" + c.data.value("name", std::string()) + "@" +
                   std::to_string(c.data.value("version", std::int64_t{0}));
          }
          return "record_marker name=" + c.name + " data=" + Json(c.data);
        } else if constexpr (std::is_same_v<T, UpsertSearchAttributes>) {
          return "upsert_search_attributes " + Json(c.attributes);
        } else if constexpr (std::is_same_v<T, UpsertMemo>) {
          return "upsert_memo " + Json(c.memo);
        } else if constexpr (std::is_same_v<T, AcceptUpdate>) {
          return "accept_update id=" + c.id;
        } else if constexpr (std::is_same_v<T, RejectUpdate>) {
          return "reject_update id=" + c.id + " failure=" + FailureText(c.failure);
        } else if constexpr (std::is_same_v<T, CompleteUpdate>) {
          return "complete_update id=" + c.id +
                 (c.failure ? " failure=" + FailureText(*c.failure)
                            : " result=" + Json(c.result.value_or(nullptr)));
        } else if constexpr (std::is_same_v<T, RespondToQuery>) {
          return "respond_to_query id=" + c.id +
                 (c.failure ? " failure=" + FailureText(*c.failure)
                            : " result=" + Json(c.result.value_or(nullptr)));
        } else if constexpr (std::is_same_v<T, CompleteWorkflow>) {
          return "complete_workflow result=" + Json(c.result);
        } else if constexpr (std::is_same_v<T, FailWorkflow>) {
          return "fail_workflow failure=" + FailureText(c.failure);
        } else if constexpr (std::is_same_v<T, CancelWorkflowExecution>) {
          return "cancel_workflow_execution";
        } else {
          static_assert(std::is_same_v<T, ContinueAsNew>);
          return "continue_as_new input=" + Json(c.input) +
                 (c.resume.is_null() ? "" : " resume=" + Json(c.resume));
        }
      },
      command);
}

std::string JobText(const Job& job) {
  return std::visit(
      [](const auto& j) -> std::string {
        using T = std::decay_t<decltype(j)>;
        if constexpr (std::is_same_v<T, StartWorkflow>) {
          return "start_workflow type=" + j.workflow_type + " id=" + j.workflow_id +
                 " input=" + Json(j.input);
        } else if constexpr (std::is_same_v<T, ResolveActivity>) {
          const auto& r = j.resolution;
          return "resolve_activity seq=" + std::to_string(j.seq) + " " + StatusName(r.status) +
                 (r.status == ActivityResolution::Status::kCompleted
                      ? " result=" + Json(r.result)
                      : " failure=" + FailureText(r.failure));
        } else if constexpr (std::is_same_v<T, FireTimer>) {
          return "fire_timer seq=" + std::to_string(j.seq);
        } else if constexpr (std::is_same_v<T, SignalWorkflow>) {
          return "signal name=" + j.name + " payload=" + Json(j.payload);
        } else if constexpr (std::is_same_v<T, DoUpdate>) {
          return "update id=" + j.id + " name=" + j.name + " payload=" + Json(j.payload);
        } else if constexpr (std::is_same_v<T, QueryWorkflow>) {
          return "query id=" + j.id + " name=" + j.name + " payload=" + Json(j.payload);
        } else if constexpr (std::is_same_v<T, CancelWorkflow>) {
          return "cancel_workflow reason=" + Json(j.reason);
        } else if constexpr (std::is_same_v<T, ResolveChildWorkflowStart>) {
          return "resolve_child_workflow_start seq=" + std::to_string(j.seq) +
                 (j.started ? " started run_id=" + j.run_id
                            : " failed failure=" + FailureText(j.failure));
        } else if constexpr (std::is_same_v<T, ResolveChildWorkflow>) {
          return "resolve_child_workflow seq=" + std::to_string(j.seq) + " " +
                 StatusName(j.status) +
                 (j.status == ActivityResolution::Status::kCompleted
                      ? " result=" + Json(j.result)
                      : " failure=" + FailureText(j.failure));
        } else if constexpr (std::is_same_v<T, ResolveSignalExternalWorkflow>) {
          return "resolve_signal_external_workflow seq=" + std::to_string(j.seq) +
                 (j.failure ? " failure=" + FailureText(*j.failure) : " delivered");
        } else {
          static_assert(std::is_same_v<T, MarkerRecorded>);
          return "marker_recorded name=" + j.name;
        }
      },
      job);
}

}  // namespace weft::interpreter
