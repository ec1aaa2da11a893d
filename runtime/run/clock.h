// Clock: where a driver of the interpreter reads workflow time (Unix milliseconds) and how it
// waits for a deadline. SystemClock is the wall clock. ManualClock moves only when told: tests
// advance it instead of sleeping, and with `skip_when_idle` it is the virtual time of the dry
// run and of engine tests (it jumps to the next deadline whenever its driver has nothing else
// to do, as Temporal's time-skipping test server does).
//
// Every method is thread-safe: the embedded engine's loop, its activity threads and a test's
// thread read and move one clock at once.
#ifndef WEFT_RUNTIME_RUN_CLOCK_H_
#define WEFT_RUNTIME_RUN_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace weft::run {

class Clock {
 public:
  virtual ~Clock() = default;

  virtual std::int64_t NowMs() const = 0;
  // How long, in real time, a thread waiting for workflow time `at_ms` should sleep before it
  // looks at the clock again (it is also woken by OnAdvance listeners).
  virtual std::chrono::milliseconds RealDelayUntil(std::int64_t at_ms) const = 0;
  // The driver has nothing to do before `at_ms`, its next deadline. A virtual clock may jump
  // there; the wall clock lets time pass.
  virtual void Idle(std::int64_t /*at_ms*/) {}
  // Whether Idle() may move time. Finding out that a driver is idle can cost it a look at
  // everything it holds; a driver whose clock would not act on it skips that.
  virtual bool SkipsWhenIdle() const { return false; }
  // `listener` runs (on the advancing thread) whenever time jumps, so that a waiting thread
  // looks again; the wall clock never jumps. Returns a handle for RemoveListener, which the
  // listener's owner calls before it goes away.
  virtual int OnAdvance(std::function<void()> /*listener*/) { return 0; }
  virtual void RemoveListener(int /*handle*/) {}
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowMs() const override;
  std::chrono::milliseconds RealDelayUntil(std::int64_t at_ms) const override;
};

// The process's one wall clock, for drivers given none.
Clock& DefaultClock();

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_unix_ms, bool skip_when_idle = false);

  std::int64_t NowMs() const override;
  // Manual time never passes by itself: a waiter sleeps until woken, with a short real-time
  // bound so that it still polls what it polls (the embedded engine's inbox).
  std::chrono::milliseconds RealDelayUntil(std::int64_t at_ms) const override;
  void Idle(std::int64_t at_ms) override;
  bool SkipsWhenIdle() const override { return skip_when_idle_; }
  int OnAdvance(std::function<void()> listener) override;
  void RemoveListener(int handle) override;

  void Advance(std::chrono::milliseconds by);
  // Moves to `at_ms` if that is later; time never goes back.
  void AdvanceTo(std::int64_t at_ms);

 private:
  std::atomic<std::int64_t> now_ms_;
  const bool skip_when_idle_;
  std::mutex listeners_mutex_;
  int next_handle_ = 1;                                           // guarded by listeners_mutex_
  std::vector<std::pair<int, std::function<void()>>> listeners_;  // guarded by listeners_mutex_
};

}  // namespace weft::run

#endif  // WEFT_RUNTIME_RUN_CLOCK_H_
