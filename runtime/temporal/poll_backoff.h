// PollBackoff: how long a task poll waits after a failed poll before it goes out again, and
// whether the failure gets a log line. One rule for the workflow and the activity worker.
//
// A server that cannot be reached is not worth a line per poller and attempt: the connection
// logs the loss and the return once (Connection::WatchConnectivity), polls wait for the channel
// (Connection::NewPollContext), and the wait stays short so that polling resumes within a second
// of the server's return. Any other failure (a namespace deleted, credentials revoked, an
// overloaded server) is logged and backed off exponentially up to 10 s.
//
// Not thread-safe: each poller owns one, touched on the connection's loop thread only.
#ifndef WEFT_RUNTIME_TEMPORAL_POLL_BACKOFF_H_
#define WEFT_RUNTIME_TEMPORAL_POLL_BACKOFF_H_

#include <chrono>
#include <string_view>

#include "runtime/temporal/connection.h"

namespace weft::temporal {

class PollBackoff {
 public:
  // The wait before the next poll of `task_queue` after `error`.
  std::chrono::milliseconds After(const RpcError& error, std::string_view task_queue);
  // After a poll that succeeded.
  void Reset() { next_ = kFirst; }

 private:
  static constexpr std::chrono::milliseconds kFirst{100};
  std::chrono::milliseconds next_ = kFirst;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_POLL_BACKOFF_H_
