// EagerActivities: the activity executor of this process, as a workflow worker sees it when it
// asks for eager execution (docs/temporal-protocol.md#eager-activities). A ScheduleActivityTask
// command may set request_eager_execution; the server then starts the activity at once and
// hands its task back in the RespondWorkflowTaskCompleted response, which saves the activity
// poll and matching's hop. The worker may ask only for activities it can start right away, so
// it reserves an execution slot per request first, runs each task that comes back in one of
// those slots and releases the rest.
//
// Implementations are thread-safe: every workflow task poller calls them.
#ifndef WEFT_RUNTIME_TEMPORAL_EAGER_ACTIVITIES_H_
#define WEFT_RUNTIME_TEMPORAL_EAGER_ACTIVITIES_H_

#include <string_view>

#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace weft::temporal {

class EagerActivities {
 public:
  using ActivityTask = ::temporal::api::workflowservice::v1::PollActivityTaskQueueResponse;

  virtual ~EagerActivities() = default;

  // Whether activities of `activity_type` on `task_queue` run here; only those may be eager.
  virtual bool Serves(std::string_view task_queue, std::string_view activity_type) const = 0;
  // Takes a free execution slot, false when there is none (or the executor is stopping).
  virtual bool TryReserveSlot() = 0;
  // Gives back slots reserved for requests the server did not grant.
  virtual void ReleaseSlots(int count) = 0;
  // Runs a task the server handed back, in a slot reserved for it; returns at once.
  virtual void RunInReservedSlot(ActivityTask task) = 0;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_EAGER_ACTIVITIES_H_
