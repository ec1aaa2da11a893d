#include "runtime/temporal/schedule_client.h"

#include <ctime>

#include "dsl/duration.h"
#include "runtime/run/random_id.h"
#include "runtime/temporal/client_error.h"
#include "runtime/temporal/connection.h"
#include "runtime/temporal/payload.h"
#include "runtime/temporal/proto_time.h"
#include "temporal/api/enums/v1/schedule.pb.h"
#include "temporal/api/schedule/v1/message.pb.h"

namespace weft::temporal {
namespace {

namespace workflowservice = ::temporal::api::workflowservice::v1;
namespace enums = ::temporal::api::enums::v1;
namespace schedule_v1 = ::temporal::api::schedule::v1;
using Stub = Connection::WorkflowService::Stub;

struct PolicyName {
  OverlapPolicy policy;
  std::string_view name;
  enums::ScheduleOverlapPolicy proto;
};
constexpr PolicyName kPolicies[] = {
    {OverlapPolicy::kSkip, "skip", enums::SCHEDULE_OVERLAP_POLICY_SKIP},
    {OverlapPolicy::kBufferOne, "buffer_one", enums::SCHEDULE_OVERLAP_POLICY_BUFFER_ONE},
    {OverlapPolicy::kBufferAll, "buffer_all", enums::SCHEDULE_OVERLAP_POLICY_BUFFER_ALL},
    {OverlapPolicy::kCancelOther, "cancel_other", enums::SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER},
    {OverlapPolicy::kTerminateOther, "terminate_other",
     enums::SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER},
    {OverlapPolicy::kAllowAll, "allow_all", enums::SCHEDULE_OVERLAP_POLICY_ALLOW_ALL},
};

enums::ScheduleOverlapPolicy ToProto(OverlapPolicy policy) {
  for (const auto& entry : kPolicies) {
    if (entry.policy == policy) return entry.proto;
  }
  return enums::SCHEDULE_OVERLAP_POLICY_SKIP;
}

OverlapPolicy FromProto(enums::ScheduleOverlapPolicy policy) {
  for (const auto& entry : kPolicies) {
    if (entry.proto == policy) return entry.policy;
  }
  return OverlapPolicy::kSkip;  // UNSPECIFIED: the server's default
}

// One field of a calendar as cron writes it: "*", "5", "1-5", "0-59/15", "1,15".
std::string CronField(const auto& ranges, int first, int last) {
  std::string text;
  for (const schedule_v1::Range& range : ranges) {
    const int end = range.end() < range.start() ? range.start() : range.end();
    const int step = range.step() > 1 ? range.step() : 1;
    std::string part;
    if (range.start() == first && end == last) {
      part = "*";
    } else {
      part = std::to_string(range.start());
      if (end != range.start()) part += "-" + std::to_string(end);
    }
    if (step > 1) part += "/" + std::to_string(step);
    text += (text.empty() ? "" : ",") + part;
  }
  return text.empty() ? "*" : text;
}

// "minute hour day-of-month month day-of-week", with the seconds first when not just 0.
std::string Cron(const schedule_v1::StructuredCalendarSpec& calendar) {
  std::string text = CronField(calendar.minute(), 0, 59) + " " + CronField(calendar.hour(), 0, 23) +
                     " " + CronField(calendar.day_of_month(), 1, 31) + " " +
                     CronField(calendar.month(), 1, 12) + " " +
                     CronField(calendar.day_of_week(), 0, 6);
  const std::string seconds = CronField(calendar.second(), 0, 59);
  return seconds == "0" ? text : seconds + " " + text;
}

schedule_v1::Schedule ToProto(const std::string& id, const Schedule& in) {
  schedule_v1::Schedule out;
  auto& spec = *out.mutable_spec();
  for (const auto& cron : in.crons) spec.add_cron_string(cron);
  for (const auto interval : in.intervals) {
    SetDuration(spec.add_interval()->mutable_interval(), interval);
  }
  spec.set_timezone_name(in.time_zone);
  if (in.jitter.count() > 0) SetDuration(spec.mutable_jitter(), in.jitter);

  auto& start = *out.mutable_action()->mutable_start_workflow();
  start.set_workflow_id(in.workflow_id.empty() ? id : in.workflow_id);
  start.mutable_workflow_type()->set_name(in.workflow_type);
  start.mutable_task_queue()->set_name(in.task_queue);
  *start.mutable_input() = ToPayloads(in.input);
  for (const auto& [key, value] : in.run_memo.items()) {
    (*start.mutable_memo()->mutable_fields())[key] = ToPayload(value);
  }

  auto& policies = *out.mutable_policies();
  policies.set_overlap_policy(ToProto(in.overlap));
  if (in.catchup_window) SetDuration(policies.mutable_catchup_window(), *in.catchup_window);
  policies.set_pause_on_failure(in.pause_on_failure);

  out.mutable_state()->set_paused(in.paused);
  out.mutable_state()->set_notes(in.note);
  return out;
}

Schedule FromProto(const schedule_v1::Schedule& in) {
  Schedule out;
  for (const auto& cron : in.spec().cron_string()) out.crons.push_back(cron);
  for (const auto& interval : in.spec().interval()) {
    out.intervals.push_back(ToMillis(interval.interval()));
  }
  // The server keeps a cron string as the structured calendar it means: read it back as cron.
  for (const auto& calendar : in.spec().structured_calendar()) out.crons.push_back(Cron(calendar));
  out.time_zone = in.spec().timezone_name();
  out.jitter = ToMillis(in.spec().jitter());
  const auto& start = in.action().start_workflow();
  out.workflow_type = start.workflow_type().name();
  out.task_queue = start.task_queue().name();
  out.workflow_id = start.workflow_id();
  if (auto input = FromPayloads(start.input())) out.input = std::move(*input);
  out.run_memo = DecodeFields(start.memo().fields());
  out.overlap = FromProto(in.policies().overlap_policy());
  if (in.policies().has_catchup_window()) {
    out.catchup_window = ToMillis(in.policies().catchup_window());
  }
  out.pause_on_failure = in.policies().pause_on_failure();
  out.paused = in.state().paused();
  out.note = in.state().notes();
  return out;
}

std::vector<std::int64_t> Times(const auto& timestamps) {
  std::vector<std::int64_t> out;
  for (const auto& time : timestamps) out.push_back(ToUnixMillis(time));
  return out;
}

// The server keeps a schedule as a workflow of its own (temporal-sys-scheduler:<id>) and says
// so in its errors; a user knows only the schedule.
ClientError ScheduleError(const RpcError& rpc, const std::string& what, const std::string& id,
                          const std::string& namespace_name) {
  ClientError error = FromRpc(rpc, what + " schedule " + id);
  if (error.kind == ClientError::Kind::kAlreadyStarted) {
    error.message = what + " schedule " + id + ": a schedule with this id exists in namespace " +
                    namespace_name + " (`weft schedule delete " + id + "` first, or another id)";
  } else if (error.kind == ClientError::Kind::kNotFound) {
    error.message =
        what + " schedule " + id + ": namespace " + namespace_name + " has no schedule " + id;
  }
  return error;
}

std::string Rfc3339(std::int64_t ms) {
  const std::time_t seconds = ms / 1000;
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

nlohmann::json TimesJson(const std::vector<std::int64_t>& times) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto ms : times) out.push_back(Rfc3339(ms));
  return out;
}

}  // namespace

nlohmann::json ToJson(const ScheduleDescription& description) {
  const Schedule& schedule = description.schedule;
  nlohmann::json intervals = nlohmann::json::array();
  for (const auto interval : schedule.intervals) intervals.push_back(dsl::FormatDuration(interval));
  nlohmann::json recent = nlohmann::json::array();
  for (const auto& firing : description.recent) {
    recent.push_back({{"scheduled", Rfc3339(firing.scheduled_ms)},
                      {"started", Rfc3339(firing.started_ms)},
                      {"workflow_id", firing.execution.workflow_id},
                      {"run_id", firing.execution.run_id}});
  }
  nlohmann::json running = nlohmann::json::array();
  for (const auto& execution : description.running) {
    running.push_back({{"workflow_id", execution.workflow_id}, {"run_id", execution.run_id}});
  }
  return {{"id", description.id},
          {"spec",
           {{"crons", schedule.crons},
            {"intervals", intervals},
            {"time_zone", schedule.time_zone.empty() ? "UTC" : schedule.time_zone},
            {"jitter", dsl::FormatDuration(schedule.jitter)}}},
          {"action",
           {{"workflow_type", schedule.workflow_type},
            {"task_queue", schedule.task_queue},
            {"workflow_id", schedule.workflow_id},
            {"input", schedule.input}}},
          {"policies",
           {{"overlap", OverlapPolicyName(schedule.overlap)},
            {"catchup_window", schedule.catchup_window
                                   ? nlohmann::json(dsl::FormatDuration(*schedule.catchup_window))
                                   : nlohmann::json(nullptr)},
            {"pause_on_failure", schedule.pause_on_failure}}},
          {"state", {{"paused", schedule.paused}, {"note", schedule.note}}},
          {"memo", schedule.memo},
          {"info",
           {{"actions", description.actions},
            {"missed_catchup_window", description.missed_catchup_window},
            {"overlap_skipped", description.overlap_skipped},
            {"recent", recent},
            {"next", TimesJson(description.next_ms)},
            {"running", running},
            {"created", Rfc3339(description.created_ms)}}}};
}

std::string_view OverlapPolicyName(OverlapPolicy policy) {
  for (const auto& entry : kPolicies) {
    if (entry.policy == policy) return entry.name;
  }
  return "skip";
}

std::optional<OverlapPolicy> ParseOverlapPolicy(std::string_view name) {
  for (const auto& entry : kPolicies) {
    if (entry.name == name) return entry.policy;
  }
  return std::nullopt;
}

ScheduleClient::ScheduleClient(const WorkflowClient& client) : connection_(client.connection_) {}

std::expected<void, ClientError> ScheduleClient::Create(const std::string& id,
                                                        const Schedule& schedule) const {
  workflowservice::CreateScheduleRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  request.set_schedule_id(id);
  *request.mutable_schedule() = ToProto(id, schedule);
  request.set_identity(connection_->options().identity);
  request.set_request_id(run::NewUuid());
  for (const auto& [key, value] : schedule.memo.items()) {
    (*request.mutable_memo()->mutable_fields())[key] = ToPayload(value);
  }
  auto created = connection_->Call(&Stub::CreateSchedule, "CreateSchedule", request);
  if (!created)
    return std::unexpected(
        ScheduleError(created.error(), "create", id, connection_->options().namespace_name));
  return {};
}

std::expected<void, ClientError> ScheduleClient::Update(const std::string& id,
                                                        const Schedule& schedule) const {
  workflowservice::UpdateScheduleRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  request.set_schedule_id(id);
  *request.mutable_schedule() = ToProto(id, schedule);
  request.set_identity(connection_->options().identity);
  request.set_request_id(run::NewUuid());
  auto updated = connection_->Call(&Stub::UpdateSchedule, "UpdateSchedule", request);
  if (!updated)
    return std::unexpected(
        ScheduleError(updated.error(), "update", id, connection_->options().namespace_name));
  return {};
}

std::expected<ScheduleDescription, ClientError> ScheduleClient::Describe(
    const std::string& id) const {
  workflowservice::DescribeScheduleRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  request.set_schedule_id(id);
  auto described = connection_->Call(&Stub::DescribeSchedule, "DescribeSchedule", request);
  if (!described)
    return std::unexpected(
        ScheduleError(described.error(), "describe", id, connection_->options().namespace_name));
  ScheduleDescription out{.id = id, .schedule = FromProto(described->schedule())};
  out.schedule.memo = DecodeFields(described->memo().fields());
  const auto& info = described->info();
  out.actions = info.action_count();
  out.missed_catchup_window = info.missed_catchup_window();
  out.overlap_skipped = info.overlap_skipped();
  for (const auto& action : info.recent_actions()) {
    out.recent.push_back({.scheduled_ms = ToUnixMillis(action.schedule_time()),
                          .started_ms = ToUnixMillis(action.actual_time()),
                          .execution = {action.start_workflow_result().workflow_id(),
                                        action.start_workflow_result().run_id()}});
  }
  out.next_ms = Times(info.future_action_times());
  for (const auto& running : info.running_workflows()) {
    out.running.push_back({running.workflow_id(), running.run_id()});
  }
  out.created_ms = ToUnixMillis(info.create_time());
  return out;
}

std::expected<std::vector<ScheduleSummary>, ClientError> ScheduleClient::List() const {
  std::vector<ScheduleSummary> out;
  std::string page_token;
  do {
    workflowservice::ListSchedulesRequest request;
    request.set_namespace_(connection_->options().namespace_name);
    request.set_maximum_page_size(100);
    request.set_next_page_token(page_token);
    auto page = connection_->Call(&Stub::ListSchedules, "ListSchedules", request);
    if (!page) return std::unexpected(FromRpc(page.error(), "list schedules"));
    for (const auto& entry : page->schedules()) {
      out.push_back({.id = entry.schedule_id(),
                     .workflow_type = entry.info().workflow_type().name(),
                     .paused = entry.info().paused(),
                     .note = entry.info().notes(),
                     .next_ms = Times(entry.info().future_action_times()),
                     .memo = DecodeFields(entry.memo().fields())});
    }
    page_token = page->next_page_token();
  } while (!page_token.empty());
  return out;
}

namespace {

std::expected<void, ClientError> Patch(const std::shared_ptr<Connection>& connection,
                                       const std::string& id,
                                       const schedule_v1::SchedulePatch& patch,
                                       const std::string& what) {
  workflowservice::PatchScheduleRequest request;
  request.set_namespace_(connection->options().namespace_name);
  request.set_schedule_id(id);
  *request.mutable_patch() = patch;
  request.set_identity(connection->options().identity);
  request.set_request_id(run::NewUuid());
  auto patched = connection->Call(&Stub::PatchSchedule, "PatchSchedule", request);
  if (!patched) {
    return std::unexpected(
        ScheduleError(patched.error(), what, id, connection->options().namespace_name));
  }
  return {};
}

}  // namespace

std::expected<void, ClientError> ScheduleClient::Pause(const std::string& id,
                                                       const std::string& note) const {
  schedule_v1::SchedulePatch patch;
  patch.set_pause(note.empty() ? "paused by weft" : note);
  return Patch(connection_, id, patch, "pause");
}

std::expected<void, ClientError> ScheduleClient::Unpause(const std::string& id,
                                                         const std::string& note) const {
  schedule_v1::SchedulePatch patch;
  patch.set_unpause(note.empty() ? "unpaused by weft" : note);
  return Patch(connection_, id, patch, "unpause");
}

std::expected<void, ClientError> ScheduleClient::Trigger(
    const std::string& id, std::optional<OverlapPolicy> overlap) const {
  schedule_v1::SchedulePatch patch;
  auto& trigger = *patch.mutable_trigger_immediately();
  if (overlap) trigger.set_overlap_policy(ToProto(*overlap));
  return Patch(connection_, id, patch, "trigger");
}

std::expected<void, ClientError> ScheduleClient::Delete(const std::string& id) const {
  workflowservice::DeleteScheduleRequest request;
  request.set_namespace_(connection_->options().namespace_name);
  request.set_schedule_id(id);
  request.set_identity(connection_->options().identity);
  auto deleted = connection_->Call(&Stub::DeleteSchedule, "DeleteSchedule", request);
  if (!deleted)
    return std::unexpected(
        ScheduleError(deleted.error(), "delete", id, connection_->options().namespace_name));
  return {};
}

}  // namespace weft::temporal
