#include "runtime/run/clock.h"

#include <algorithm>

namespace weft::run {

std::int64_t SystemClock::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::milliseconds SystemClock::RealDelayUntil(std::int64_t at_ms) const {
  return std::chrono::milliseconds(std::max<std::int64_t>(at_ms - NowMs(), 0));
}

Clock& DefaultClock() {
  static SystemClock clock;
  return clock;
}

ManualClock::ManualClock(std::int64_t start_unix_ms, bool skip_when_idle)
    : now_ms_(start_unix_ms), skip_when_idle_(skip_when_idle) {}

std::int64_t ManualClock::NowMs() const { return now_ms_.load(); }

std::chrono::milliseconds ManualClock::RealDelayUntil(std::int64_t at_ms) const {
  // Due already: look now. Otherwise only an Advance makes it due, and that wakes the waiter;
  // the bound keeps a waiter that polls something else responsive.
  constexpr std::chrono::milliseconds kPollBound{50};
  return at_ms <= NowMs() ? std::chrono::milliseconds(0) : kPollBound;
}

void ManualClock::Idle(std::int64_t at_ms) {
  if (skip_when_idle_) AdvanceTo(at_ms);
}

int ManualClock::OnAdvance(std::function<void()> listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.emplace_back(next_handle_, std::move(listener));
  return next_handle_++;
}

void ManualClock::RemoveListener(int handle) {
  std::lock_guard lock(listeners_mutex_);
  std::erase_if(listeners_, [handle](const auto& entry) { return entry.first == handle; });
}

void ManualClock::Advance(std::chrono::milliseconds by) { AdvanceTo(NowMs() + by.count()); }

void ManualClock::AdvanceTo(std::int64_t at_ms) {
  std::int64_t now = now_ms_.load();
  while (at_ms > now && !now_ms_.compare_exchange_weak(now, at_ms)) {
  }
  if (at_ms <= now) return;
  std::lock_guard lock(listeners_mutex_);
  for (const auto& [handle, listener] : listeners_) listener();
}

}  // namespace weft::run
