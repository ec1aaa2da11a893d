#include "agents/call_threads.h"

#include <utility>

namespace weft::agents {

CallThreads::~CallThreads() {
  std::vector<std::thread> all;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, thread] : threads_) all.push_back(std::move(thread));
    threads_.clear();
    for (auto& thread : exited_) all.push_back(std::move(thread));
    exited_.clear();
  }
  queued_or_stopping_.notify_all();
  // A thread finishes the calls queued before it sees stopping_ (Loop), so every call runs.
  for (auto& thread : all) thread.join();
}

void CallThreads::Run(std::function<void()> call) {
  std::vector<std::thread> exited;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(call));
    exited.swap(exited_);
    // Each call queued wakes an idle thread; a call for which none is left starts one. A woken
    // thread that finds the queue empty (a busy one took the call on its way back) waits on.
    if (queue_.size() > idle_) {
      std::thread thread([this] { Loop(); });
      const auto id = thread.get_id();
      threads_.emplace(id, std::move(thread));
    } else {
      queued_or_stopping_.notify_one();
    }
  }
  Reap(std::move(exited));
}

std::size_t CallThreads::threads() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

std::size_t CallThreads::idle() const {
  std::lock_guard lock(mutex_);
  return idle_;
}

void CallThreads::Loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!queue_.empty()) {
      auto call = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      call();
      call = nullptr;  // what the call captured goes before the thread waits again
      lock.lock();
      continue;
    }
    if (stopping_) return;  // the destructor joins this thread
    ++idle_;
    const bool woken = queued_or_stopping_.wait_for(
        lock, linger_, [this] { return !queue_.empty() || stopping_; });
    --idle_;
    if (woken) continue;
    // Idle for `linger`: the thread goes, and the next Run() joins it.
    auto self = threads_.find(std::this_thread::get_id());
    exited_.push_back(std::move(self->second));
    threads_.erase(self);
    return;
  }
}

void CallThreads::Reap(std::vector<std::thread> exited) {
  for (auto& thread : exited) thread.join();
}

}  // namespace weft::agents
