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
  const auto [watch, end] = watched_runs_.equal_range(run_id);
  for (auto entry = watch; entry != end; ++entry) watches_.at(entry->second).woken();
}

void RunWaiters::WakeAll() {
  for (auto& [run_id, waiter] : waiting_) {
    waiter->woken = true;
    waiter->wake.notify_one();
  }
  for (auto& [token, watch] : watches_) watch.woken();
}

std::uint64_t RunWaiters::Watch(const std::string& run_id, std::function<void()> woken) {
  const std::uint64_t token = next_token_++;
  watches_.emplace(token, Watcher{run_id, std::move(woken)});
  watched_runs_.emplace(run_id, token);
  return token;
}

void RunWaiters::Unwatch(std::uint64_t token) {
  const auto watch = watches_.find(token);
  if (watch == watches_.end()) return;
  const auto [first, last] = watched_runs_.equal_range(watch->second.run_id);
  for (auto entry = first; entry != last; ++entry) {
    if (entry->second == token) {
      watched_runs_.erase(entry);
      break;
    }
  }
  watches_.erase(watch);
}

}  // namespace weft::embedded
