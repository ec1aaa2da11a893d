#include "runtime/temporal/call_loop.h"

namespace weft::temporal {

// A grpc::Alarm posts its tag to the queue when it fires.
struct CallLoop::Timer final : Completion {
  CallLoop* loop = nullptr;
  grpc::Alarm alarm;
  std::move_only_function<void()> task;
  void Complete(bool /*ok*/) override {
    {
      std::lock_guard lock(loop->mutex_);
      loop->timers_.erase(this);
    }
    task();
  }
};

struct CallLoop::StateWatch final : Completion {
  std::move_only_function<void(bool)> done;
  void Complete(bool ok) override { done(ok); }
};

CallLoop::CallLoop() : thread_([this] { Loop(); }) {}

CallLoop::~CallLoop() {
  Drain();
  queue_.Shutdown();
  thread_.join();
}

void CallLoop::After(std::chrono::milliseconds delay, std::move_only_function<void()> task) {
  auto timer = std::make_unique<Timer>();
  timer->loop = this;
  timer->task = std::move(task);
  std::lock_guard lock(mutex_);
  ++pending_;
  auto* tag = timer.release();
  timers_.insert(tag);
  tag->alarm.Set(&queue_, std::chrono::system_clock::now() + delay, tag);
}

void CallLoop::FireTimersNow() {
  std::lock_guard lock(mutex_);
  // A cancelled alarm still hands its tag to the queue, with ok = false; the task runs then.
  for (Timer* timer : timers_) timer->alarm.Cancel();
}

void CallLoop::WatchState(grpc::ChannelInterface& channel, grpc_connectivity_state last,
                          std::chrono::system_clock::time_point deadline,
                          std::move_only_function<void(bool changed)> done) {
  auto watch = std::make_unique<StateWatch>();
  watch->done = std::move(done);
  Started();
  channel.NotifyOnStateChange(last, deadline, &queue_, watch.release());
}

void CallLoop::Drain() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return pending_ == 0; });
}

void CallLoop::Started() {
  std::lock_guard lock(mutex_);
  ++pending_;
}

void CallLoop::Loop() {
  void* tag = nullptr;
  bool ok = false;
  while (queue_.Next(&tag, &ok)) {
    // `ok` is false for a cancelled alarm, whose task runs all the same, and for a state watch
    // whose deadline passed; a failed call reports through its status.
    std::unique_ptr<Completion> completion(static_cast<Completion*>(tag));
    completion->Complete(ok);
    completion.reset();  // the context goes before the count says it has
    std::lock_guard lock(mutex_);
    if (--pending_ == 0) drained_.notify_all();
  }
}

}  // namespace weft::temporal
