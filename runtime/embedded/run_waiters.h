// RunWaiters: the threads blocked in Engine::WaitForRun, by the run each waits for, so that a
// run that closes wakes its own waiters and nobody else's. With one condition variable shared
// by every waiter, each closed run woke all of them to find that it was not theirs: with 200
// threads each awaiting its run, that cost more CPU than the runs (bench/embedded/await_bench).
//
// Besides threads that block, watches: a callback called at each wake of its run, for a waiter
// that must not hold a thread (the doorbell answers all its clients from one).
//
// Not a lock of its own: every method is called holding the engine's mutex (the one Wait()
// is given), which guards the waiters together with the engine's record of closed runs. A
// watch's callback runs holding it too.
#ifndef WEFT_RUNTIME_EMBEDDED_RUN_WAITERS_H_
#define WEFT_RUNTIME_EMBEDDED_RUN_WAITERS_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
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

  // Calls `woken` at every Wake(run_id) and WakeAll() until Unwatch(token); it must only take
  // note (it runs holding the engine's mutex) and never touch this object.
  std::uint64_t Watch(const std::string& run_id, std::function<void()> woken);
  void Unwatch(std::uint64_t token);

 private:
  struct Waiter {
    std::condition_variable wake;
    bool woken = false;
  };
  std::unordered_multimap<std::string, Waiter*> waiting_;
  struct Watcher {
    std::string run_id;
    std::function<void()> woken;
  };
  std::unordered_map<std::uint64_t, Watcher> watches_;                // by token
  std::unordered_multimap<std::string, std::uint64_t> watched_runs_;  // run id to token
  std::uint64_t next_token_ = 1;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_RUN_WAITERS_H_
