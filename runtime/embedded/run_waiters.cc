#include "runtime/embedded/run_waiters.h"

namespace weft::embedded {

bool RunWaiters::Wait(std::unique_lock<std::mutex>& lock, const std::string& run_id,
                      std::chrono::steady_clock::time_point deadline) {
  Waiter waiter;
  waiting_.emplace(run_id, &waiter);
  waiter.wake.wait_until(lock, deadline, [&waiter] { return waiter.woken; });
  // Found again rather than kept: an insertion meanwhile may have rehashed the map.
  const auto [first, last] = waiting_.equal_range(run_id);
  for (auto entry = first; entry != last; ++entry) {
    if (entry->second == &waiter) {
      waiting_.erase(entry);
      break;
    }
  }
  return waiter.woken;
}

void RunWaiters::Wake(const std::string& run_id) {
  const auto [first, last] = waiting_.equal_range(run_id);
  for (auto waiter = first; waiter != last; ++waiter) {
    waiter->second->woken = true;
    waiter->second->wake.notify_one();
  }
}

void RunWaiters::WakeAll() {
  for (auto& [run_id, waiter] : waiting_) {
    waiter->woken = true;
    waiter->wake.notify_one();
  }
}

}  // namespace weft::embedded
