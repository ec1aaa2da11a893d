#include "runtime/activity/activity_pool.h"

#include <pthread.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <utility>

namespace weft::activity {

// What the workers share with the pool; kept alive by every worker, abandoned ones included.
struct ActivityPool::Shared {
  std::mutex mutex;
  std::condition_variable work;
  std::deque<std::pair<std::uint64_t, std::function<void()>>> queue;  // guarded by mutex
  bool stopping = false;                                              // guarded by mutex
  std::uint64_t next_ticket = 1;                                      // guarded by mutex
  int next_worker = 1;                                                // guarded by mutex
  std::size_t idle = 0;                  // guarded by mutex: workers waiting for a task
  std::map<std::uint64_t, int> running;  // guarded by mutex: ticket -> worker
  std::set<int> abandoned;               // guarded by mutex: workers to end after their task
  std::uint64_t abandoned_total = 0;     // guarded by mutex
};

ActivityPool::ActivityPool(int threads)
    : shared_(std::make_shared<Shared>()), max_threads_(std::max<std::size_t>(threads, 1)) {
  std::lock_guard lock(shared_->mutex);
  StartWorker();
}

void ActivityPool::StartWorker() {
  const int id = shared_->next_worker++;
  ++shared_->idle;  // free from its start, so that a task submitted meanwhile waits for it
  workers_.emplace(id, std::thread([shared = shared_, id] {
                     pthread_setname_np(pthread_self(), "weft-activity");
                     while (true) {
                       std::pair<std::uint64_t, std::function<void()>> task;
                       {
                         std::unique_lock lock(shared->mutex);
                         shared->work.wait(
                             lock, [&] { return shared->stopping || !shared->queue.empty(); });
                         if (shared->stopping) return;
                         --shared->idle;
                         task = std::move(shared->queue.front());
                         shared->queue.pop_front();
                         shared->running[task.first] = id;
                       }
                       task.second();
                       std::lock_guard lock(shared->mutex);
                       shared->running.erase(task.first);
                       if (shared->abandoned.erase(id) > 0) return;  // replaced already
                       ++shared->idle;
                     }
                   }));
}

ActivityPool::~ActivityPool() {
  std::map<int, std::thread> workers;
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->queue.clear();
    workers.swap(workers_);
  }
  shared_->work.notify_all();
  for (auto& [id, thread] : workers) thread.join();
}

std::uint64_t ActivityPool::Submit(std::function<void()> task) {
  std::uint64_t ticket = 0;
  {
    std::lock_guard lock(shared_->mutex);
    ticket = shared_->next_ticket++;
    shared_->queue.emplace_back(ticket, std::move(task));
    // More tasks waiting than workers to take them: one more worker, up to the size.
    if (shared_->queue.size() > shared_->idle && workers_.size() < max_threads_) StartWorker();
  }
  shared_->work.notify_one();
  return ticket;
}

void ActivityPool::Abandon(std::uint64_t ticket) {
  std::lock_guard lock(shared_->mutex);
  if (shared_->stopping) return;
  auto running = shared_->running.find(ticket);
  if (running == shared_->running.end()) return;  // queued or finished: nothing is held
  const int id = running->second;
  if (!shared_->abandoned.insert(id).second) return;
  auto worker = workers_.find(id);
  if (worker != workers_.end()) {
    worker->second.detach();
    workers_.erase(worker);
  }
  ++shared_->abandoned_total;
  StartWorker();
}

std::uint64_t ActivityPool::abandoned_threads() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->abandoned_total;
}

}  // namespace weft::activity
