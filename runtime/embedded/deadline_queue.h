// DeadlineQueue: the embedded engine's times to act, in workflow time (run::Clock): timers,
// activity attempts that are due, attempt timeout checks, schedule-to-close limits and run
// timeouts. Entries are never removed early: an entry whose cause went away (a timer
// cancelled, an attempt finished) is recognised as stale by its owner when it comes due, which
// keeps cancellation O(1).
//
// Engine thread only.
#ifndef WEFT_RUNTIME_EMBEDDED_DEADLINE_QUEUE_H_
#define WEFT_RUNTIME_EMBEDDED_DEADLINE_QUEUE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string>
#include <vector>

namespace weft::embedded {

struct Deadline {
  enum class Kind {
    kTimer,            // a durable timer fires
    kActivityDue,      // an armed activity's next attempt may start
    kAttemptCheck,     // look at a running attempt's start-to-close, heartbeat, schedule-to-start
    kScheduleToClose,  // an activity's whole time is up
    kRunTimeout,       // the definition's `timeout`: the run is out of time
  };
  std::int64_t at_ms = 0;
  Kind kind = Kind::kTimer;
  std::string run_id;
  std::uint32_t seq = 0;
  std::uint64_t token = 0;  // kAttemptCheck: which attempt
};

class DeadlineQueue {
 public:
  void Push(Deadline deadline);
  bool empty() const { return heap_.empty(); }
  // The earliest deadline's time; nullopt when there is none.
  std::optional<std::int64_t> NextAt() const;
  // The earliest deadline if it is due at `now_ms`, removed from the queue.
  std::optional<Deadline> PopDue(std::int64_t now_ms);

 private:
  struct Later {
    bool operator()(const Deadline& a, const Deadline& b) const { return a.at_ms > b.at_ms; }
  };
  std::priority_queue<Deadline, std::vector<Deadline>, Later> heap_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_DEADLINE_QUEUE_H_
