// ActivityAttempts: the life of each activity a run schedules on the embedded engine, with
// Temporal's retry policy and its four timeouts. One ActivityTask per scheduled activity,
// owned by its Run; one Attempt per try, shared with the pool thread that runs it.
//
//   phase       event                                      next
//   ----------  -----------------------------------------  -----------------------------------
//   scheduled   Schedule, the run's start being durable    queued at once: the first attempt
//                                                          runs while its step commits
//   scheduled   its ScheduleActivity is committed (Arm)    armed: due now; schedule-to-close
//                                                          deadline set
//   armed       its due time comes (kActivityDue)          queued: an Attempt goes to the pool,
//                                                          with its timeout checks
//   queued      a pool thread takes it                     running (the thread sets started_ms)
//   queued      schedule-to-start passes                   failed attempt
//   running     it returns a result                        resolved: completed
//   running     it returns an error                        failed attempt
//   running     start-to-close or heartbeat passes         failed attempt; the thread is
//                                                          abandoned and replaced (pool)
//   any         schedule-to-close passes                   failed attempt, never retried
//   failed      DecideRetry says retry                     backoff: due at the next attempt's
//               (attempt)                                  time, journaled
//   failed      DecideRetry says stop                      resolved: failed
//   backoff     its due time comes                         queued
//   any         the run cancels it or closes               resolved: cancelled; a running
//                                                          attempt is told and abandoned
//
// An attempt may start before the step that scheduled it is durable; its result is delivered
// only after (the run activates again only once its batch is committed). A lone run's step
// then overlaps its fsync with the activity and the two hand-offs to a pool thread and back.
// What a crash in that window costs is what a crash during the attempt
// costs: the step is redone on restart and the activity runs again, at least once as ever. A
// run's first activation waits for its commit: before it, the run itself is not durable, and
// an activity of a run that never was must not run.
//
// Deadlines are never taken back (deadline_queue.h): each handler first checks that the
// deadline still belongs to the task's phase and attempt, and drops it otherwise. A late result
// of an abandoned attempt is dropped the same way, by its token.
//
// Engine thread only, except Attempt's atomics and context, which its pool thread uses.
#ifndef WEFT_RUNTIME_EMBEDDED_ACTIVITY_ATTEMPT_H_
#define WEFT_RUNTIME_EMBEDDED_ACTIVITY_ATTEMPT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runtime/activity/activity.h"
#include "runtime/activity/activity_context.h"
#include "runtime/embedded/deadline_queue.h"
#include "runtime/interpreter/activation.h"
#include "runtime/interpreter/command.h"
#include "runtime/run/activity_retry.h"

namespace weft::embedded {

struct EngineCore;
struct Run;

// One try of an activity, shared with the pool thread that runs it.
struct Attempt {
  explicit Attempt(activity::ActivityInfo info) : context(std::move(info)) {}
  std::uint64_t token = 0;        // engine thread: tells this try's results and checks apart
  std::uint64_t pool_ticket = 0;  // engine thread: to abandon its thread
  std::int64_t queued_ms = 0;     // engine thread
  std::atomic<std::int64_t> started_ms{0};    // set by the pool thread when it starts
  std::atomic<std::int64_t> heartbeat_ms{0};  // set by the pool thread on each heartbeat
  activity::LocalActivityContext context;
};

struct ActivityTask {
  enum class Phase { kScheduled, kArmed, kQueued, kRunning, kBackoff };
  interpreter::ScheduleActivity spec;
  std::int32_t attempt = 1;
  std::int64_t scheduled_ms = 0;
  std::int64_t due_ms = 0;  // when the next attempt may start
  nlohmann::json heartbeat_details;
  bool armed = false;                // its ScheduleActivity is committed
  bool backoff = false;              // between a failed attempt and the next
  std::shared_ptr<Attempt> current;  // queued or running; null between attempts

  Phase phase() const;
};

// What a pool thread reports about an attempt.
struct AttemptFinished {
  std::string run_id;
  std::uint32_t seq = 0;
  std::uint64_t token = 0;
  activity::ActivityResult result;
  std::optional<run::TimeoutType> timeout;  // set when it never started (schedule-to-start)
};

class ActivityAttempts {
 public:
  explicit ActivityAttempts(EngineCore& core) : core_(core) {}

  // The run's command scheduled it at `now_ms`. Its first attempt starts now unless this is
  // the run's first activation, whose attempts wait for Arm.
  void Schedule(Run& run, const interpreter::ScheduleActivity& spec, std::int64_t now_ms);
  // Its ScheduleActivity is committed: the first attempt may run, if it has not already.
  void Arm(Run& run, std::uint32_t seq);
  // After a restart: the task as the journal left it, armed.
  void Restore(Run& run, std::uint32_t seq, ActivityTask task);
  // The run asked to cancel it: the failure it resolves with (the caller delivers it), or
  // nullopt when it is resolved already.
  std::optional<interpreter::Failure> Cancel(Run& run, std::uint32_t seq);
  // The run closed: every attempt in flight is told and abandoned.
  void CancelAll(Run& run);

  void OnDeadline(Run& run, const Deadline& deadline, std::int64_t now_ms);
  void OnFinished(Run& run, AttemptFinished& finished);

 private:
  void Dispatch(Run& run, std::uint32_t seq, ActivityTask& task);
  void CheckAttempt(Run& run, std::uint32_t seq, ActivityTask& task, std::int64_t now_ms);
  void AttemptFailed(Run& run, std::uint32_t seq, ActivityTask& task, run::AttemptFailure failure);
  void Resolve(Run& run, std::uint32_t seq, interpreter::ActivityResolution resolution);
  void Abandon(ActivityTask& task);

  EngineCore& core_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_ACTIVITY_ATTEMPT_H_
