// WaveGate: how many runs a soak's feeder thread may start so far. The test's main thread
// opens one wave per life of the engine or worker it kills, so that every kill finds fresh
// work however fast the engine is. Thread-safe.
#ifndef WEFT_TESTS_SOAK_WAVE_GATE_H_
#define WEFT_TESTS_SOAK_WAVE_GATE_H_

#include <condition_variable>
#include <mutex>

namespace weft::soak {

class WaveGate {
 public:
  // Lets runs with an index below `up_to` start.
  void Open(int up_to) {
    std::lock_guard lock(mutex_);
    allowed_ = up_to;
    changed_.notify_all();
  }
  // Blocks until run `index` may start.
  void WaitFor(int index) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return index < allowed_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int allowed_ = 0;
};

}  // namespace weft::soak

#endif  // WEFT_TESTS_SOAK_WAVE_GATE_H_
