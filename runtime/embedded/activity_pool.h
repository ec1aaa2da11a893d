// ActivityPool: the threads that run activity attempts for the embedded engine. Tasks run in
// submission order on the first free thread. A task that never returns (a hung activity whose
// attempt timed out) keeps its thread: the engine abandons the attempt and ignores its late
// result, as Temporal does, but cannot take the thread back.
//
// Submit() may be called from any thread. The destructor waits for running tasks and drops
// queued ones.
#ifndef WEFT_RUNTIME_EMBEDDED_ACTIVITY_POOL_H_
#define WEFT_RUNTIME_EMBEDDED_ACTIVITY_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace weft::embedded {

class ActivityPool {
 public:
  explicit ActivityPool(int threads);
  ~ActivityPool();
  ActivityPool(const ActivityPool&) = delete;
  ActivityPool& operator=(const ActivityPool&) = delete;

  void Submit(std::function<void()> task);

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_ACTIVITY_POOL_H_
