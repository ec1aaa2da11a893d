#include "runtime/temporal/schedule_sync.h"

#include <map>
#include <set>

namespace weft::temporal {
namespace {

constexpr char kOwnerKey[] = "weft";                 // in the schedule's memo
constexpr char kFingerprintKey[] = "weft-schedule";  // in its runs' memo

Schedule ToSchedule(const schedule::WorkflowSchedule& wanted, const std::string& task_queue) {
  const dsl::DeclaredSchedule& declared = wanted.schedule;
  Schedule schedule{.crons = declared.crons,
                    .intervals = declared.intervals,
                    .time_zone = declared.time_zone,
                    .jitter = declared.jitter,
                    .workflow_type = wanted.workflow,
                    .task_queue = task_queue,
                    .input = declared.input,
                    .workflow_id = schedule::ScheduleKey(wanted),
                    .overlap = ParseOverlapPolicy(declared.overlap).value_or(OverlapPolicy::kSkip),
                    .catchup_window = declared.catchup_window,
                    .pause_on_failure = declared.pause_on_failure,
                    .paused = declared.paused,
                    .note = "declared in workflow " + wanted.workflow};
  schedule.memo[kOwnerKey] = {{"task_queue", task_queue}, {"workflow", wanted.workflow}};
  schedule.run_memo[kFingerprintKey] = {{"schedule", schedule::ScheduleKey(wanted)},
                                        {"fingerprint", schedule::DeclarationFingerprint(wanted)}};
  return schedule;
}

bool OwnedBy(const nlohmann::json& memo, const std::string& task_queue) {
  return memo.contains(kOwnerKey) && memo[kOwnerKey].is_object() &&
         memo[kOwnerKey].value("task_queue", "") == task_queue;
}

}  // namespace

ScheduleSyncReport SyncSchedules(const ScheduleClient& client,
                                 const std::vector<schedule::WorkflowSchedule>& wanted,
                                 const std::string& task_queue) {
  ScheduleSyncReport report;
  auto listed = client.List();
  if (!listed) {
    report.errors.push_back(listed.error().message);
    return report;
  }
  std::set<std::string> owned;
  for (const auto& summary : *listed) {
    if (OwnedBy(summary.memo, task_queue)) owned.insert(summary.id);
  }

  std::set<std::string> declared;
  for (const schedule::WorkflowSchedule& one : wanted) {
    const std::string id = schedule::ScheduleKey(one);
    declared.insert(id);
    const Schedule desired = ToSchedule(one, task_queue);
    auto created = client.Create(id, desired);
    if (created) {
      report.created.push_back(id);
      continue;
    }
    if (created.error().kind != ClientError::Kind::kAlreadyStarted) {
      report.errors.push_back(created.error().message);
      continue;
    }
    // It exists (visibility may not list it yet): ours and unchanged, ours and changed, or
    // someone else's.
    auto described = client.Describe(id);
    if (!described) {
      report.errors.push_back(described.error().message);
      continue;
    }
    if (!OwnedBy(described->schedule.memo, task_queue)) {
      report.errors.push_back("schedule " + id +
                              " exists and was not created by a weft worker of task queue " +
                              task_queue +
                              "; weft leaves it alone (delete it, or rename the "
                              "declared schedule)");
      continue;
    }
    owned.insert(id);
    const nlohmann::json& fingerprint = described->schedule.run_memo[kFingerprintKey];
    if (fingerprint.is_object() &&
        fingerprint.value("fingerprint", "") == schedule::DeclarationFingerprint(one)) {
      report.unchanged.push_back(id);
      continue;
    }
    if (auto updated = client.Update(id, desired); !updated) {
      report.errors.push_back(updated.error().message);
      continue;
    }
    report.updated.push_back(id);
  }
  for (const std::string& id : owned) {
    if (declared.contains(id)) continue;
    if (auto deleted = client.Delete(id); !deleted) {
      report.errors.push_back(deleted.error().message);
      continue;
    }
    report.deleted.push_back(id);
  }
  return report;
}

}  // namespace weft::temporal
