#include "runtime/client/workflow_client.h"

#include <string>
#include <vector>

namespace weft::client {

std::string_view RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kPending:
      return "pending";
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kCompleted:
      return "completed";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kCancelled:
      return "cancelled";
    case RunStatus::kTerminated:
      return "terminated";
    case RunStatus::kTimedOut:
      return "timed_out";
    case RunStatus::kContinuedAsNew:
      return "continued_as_new";
  }
  return "running";
}

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (RunStatus status : kRunStatuses) {
    if (RunStatusName(status) == name) return status;
  }
  return std::nullopt;
}

std::vector<std::string> RunStatusNames() {
  std::vector<std::string> names;
  for (RunStatus status : kRunStatuses) names.emplace_back(RunStatusName(status));
  return names;
}

}  // namespace weft::client
