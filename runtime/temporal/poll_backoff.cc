#include "runtime/temporal/poll_backoff.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace weft::temporal {

std::chrono::milliseconds PollBackoff::After(const RpcError& error, std::string_view task_queue) {
  const std::chrono::milliseconds wait = next_;
  if (error.code == grpc::StatusCode::UNAVAILABLE) {
    spdlog::debug("{} (task queue {}, again in {} ms)", error.ToString(), task_queue, wait.count());
    next_ = std::min<std::chrono::milliseconds>(next_ * 2, kMaxReconnectBackoff);
  } else {
    spdlog::warn("{} (task queue {}, retrying in {} ms)", error.ToString(), task_queue,
                 wait.count());
    next_ = std::min<std::chrono::milliseconds>(next_ * 2, std::chrono::seconds(10));
  }
  return wait;
}

}  // namespace weft::temporal
