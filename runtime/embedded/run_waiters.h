// RunWaiters: the threads blocked in Engine::WaitForRun, by the run each waits for, so that a
// run that closes wakes its own waiters and nobody else's. With one condition variable shared
// by every waiter, each closed run woke all of them to find that it was not theirs: with 200
// threads each awaiting its run, that cost more CPU than the runs (bench/embedded/await_bench).
//
// Not a lock of its own: every method is called holding the engine's mutex (the one Wait()
// is given), which guards the waiters together with the engine's record of closed runs.
#ifndef WEFT_RUNTIME_EMBEDDED_RUN_WAITERS_H_
#define WEFT_RUNTIME_EMBEDDED_RUN_WAITERS_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <unordered_map>

namespace weft::embedded {

class RunWaiters {
 public:
  // Blocks, releasing `lock`, until Wake(run_id) or WakeAll() is called, or `deadline` passes
  // (false then). The caller checks again what it waits for: a wake says only "look".
  bool Wait(std::unique_lock<std::mutex>& lock, const std::string& run_id,
            std::chrono::steady_clock::time_point deadline);
  // Wakes the threads waiting for `run_id`.
  void Wake(const std::string& run_id);
  // Wakes every waiter (the engine stops).
  void WakeAll();

 private:
  struct Waiter {
    std::condition_variable wake;
    bool woken = false;
  };
  std::unordered_multimap<std::string, Waiter*> waiting_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_RUN_WAITERS_H_
