// WaveGate: how many runs a soak's feeder thread may start so far. The test's main thread
// opens one wave per life of the engine or worker it kills, so that every kill finds fresh
// work however fast the engine is. Thread-safe. FeederJoin joins the feeder however the test's
// scope ends.
#ifndef WEFT_TESTS_SOAK_WAVE_GATE_H_
#define WEFT_TESTS_SOAK_WAVE_GATE_H_

#include <climits>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace weft::soak {

class WaveGate {
 public:
  // Lets runs with an index below `up_to` start.
  void Open(int up_to) {
    std::lock_guard lock(mutex_);
    allowed_ = up_to;
    changed_.notify_all();
  }
  // Lets the feeder through for good, to stop: WaitFor answers false from now on.
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    allowed_ = INT_MAX;
    changed_.notify_all();
  }
  bool Closed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  // Blocks until run `index` may start (true), or the gate is closed (false).
  bool WaitFor(int index) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return index < allowed_; });
    return !closed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int allowed_ = 0;
  bool closed_ = false;
};

// Declared after the feeder thread: when a failed REQUIRE unwinds the test before it joins the
// feeder, this closes the gate and joins it, so that the failure is reported rather than the
// process aborted by a joinable thread's destructor.
class FeederJoin {
 public:
  FeederJoin(WaveGate& gate, std::thread& feeder) : gate_(gate), feeder_(feeder) {}
  FeederJoin(const FeederJoin&) = delete;
  FeederJoin& operator=(const FeederJoin&) = delete;
  ~FeederJoin() {
    if (!feeder_.joinable()) return;
    gate_.Close();
    feeder_.join();
  }

 private:
  WaveGate& gate_;
  std::thread& feeder_;
};

}  // namespace weft::soak

#endif  // WEFT_TESTS_SOAK_WAVE_GATE_H_
