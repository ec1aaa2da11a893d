// ActivityPool: threads that run activity attempts: the embedded engine's, and a Temporal
// worker's local activities. Tasks run in submission order on the first free thread.
//
// A task that never returns (a hung activity, a Lua C call that cannot be interrupted) would
// keep its thread for ever. When the engine gives up on such an attempt it calls Abandon: the
// pool lets that thread go (detached; it ends by itself if its task ever returns) and starts a
// new one in its place, so the pool keeps its size and keeps serving. The abandoned thread
// shares only the pool's queue state, which it keeps alive, so destroying the pool never waits
// for it.
//
// Threads start as work needs them, up to the size given: one at first, another whenever a
// task is queued while none waits. A process that runs one activity (a one-shot `weft run`)
// starts one thread, not eight.
//
// Submit() and Abandon() may be called from any thread. The destructor waits for the running
// tasks of threads not abandoned and drops queued ones.
#ifndef WEFT_RUNTIME_ACTIVITY_ACTIVITY_POOL_H_
#define WEFT_RUNTIME_ACTIVITY_ACTIVITY_POOL_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <thread>

namespace weft::activity {

class ActivityPool {
 public:
  explicit ActivityPool(int threads);
  ~ActivityPool();
  ActivityPool(const ActivityPool&) = delete;
  ActivityPool& operator=(const ActivityPool&) = delete;

  // Returns the task's ticket, for Abandon.
  std::uint64_t Submit(std::function<void()> task);
  // If the task is running, its thread is given up and replaced; otherwise nothing happens.
  void Abandon(std::uint64_t ticket);

  // Threads given up so far (for tests and logs).
  std::uint64_t abandoned_threads() const;

 private:
  struct Shared;
  void StartWorker();  // with shared_->mutex held

  std::shared_ptr<Shared> shared_;
  std::map<int, std::thread> workers_;  // guarded by shared_->mutex; by worker id
  const std::size_t max_threads_;
};

}  // namespace weft::activity

#endif  // WEFT_RUNTIME_ACTIVITY_ACTIVITY_POOL_H_
