// ActivityContext: what a running activity can ask of the engine that runs it. The engine
// implements it (Temporal: heartbeats become RecordActivityTaskHeartbeat and cancel_requested
// comes back from it; embedded: heartbeats go to the journal). One context per activity
// attempt; the activity may call it from the thread that runs it and cancellation may be
// requested from any thread. LocalActivityContext below is a complete in-process
// implementation for tests, the CLI and engines that need nothing more.
#ifndef WEFT_RUNTIME_ACTIVITY_ACTIVITY_CONTEXT_H_
#define WEFT_RUNTIME_ACTIVITY_ACTIVITY_CONTEXT_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace weft::activity {

// Who and when: what Temporal's PollActivityTaskQueueResponse tells an activity.
struct ActivityInfo {
  std::string activity_type;  // the registered name, e.g. "http.request"
  std::string workflow_id;
  std::string run_id;
  std::string activity_id;
  std::int32_t attempt = 1;  // 1 on the first try
  std::chrono::system_clock::time_point scheduled_time{};
  std::chrono::system_clock::time_point started_time{};
  // The earliest of the start-to-close and schedule-to-close ends; max() when none.
  std::chrono::system_clock::time_point deadline = std::chrono::system_clock::time_point::max();
  nlohmann::json heartbeat_details;  // the last details recorded by a previous attempt
};

enum class LogLevel { kDebug, kInfo, kWarn, kError };

class ActivityContext {
 public:
  virtual ~ActivityContext() = default;

  virtual const ActivityInfo& Info() const = 0;
  // Records progress; the engine may throttle what it sends. Cheap enough to call often.
  virtual void Heartbeat(const nlohmann::json& details) = 0;
  // True once the engine asked the activity to stop (cancelled, or its attempt is gone).
  virtual bool IsCancelled() const = 0;
  // Blocks until cancellation is requested or `timeout` passes; returns IsCancelled().
  virtual bool WaitForCancel(std::chrono::milliseconds timeout) = 0;
  // Logs with the activity's identity attached.
  virtual void Log(LogLevel level, std::string_view message) = 0;
};

// A context that keeps everything in process: heartbeats are kept (last details, count) and
// passed to an optional callback, cancellation is requested with Cancel(), logs go to spdlog.
// Thread-safe.
class LocalActivityContext : public ActivityContext {
 public:
  explicit LocalActivityContext(ActivityInfo info = {});

  const ActivityInfo& Info() const override { return info_; }
  void Heartbeat(const nlohmann::json& details) override;
  bool IsCancelled() const override { return cancelled_.load(std::memory_order_relaxed); }
  bool WaitForCancel(std::chrono::milliseconds timeout) override;
  void Log(LogLevel level, std::string_view message) override;

  // Requests cancellation; wakes WaitForCancel.
  void Cancel();
  // Called on every heartbeat, on the activity's thread.
  void OnHeartbeat(std::function<void(const nlohmann::json&)> callback);
  nlohmann::json LastHeartbeat() const;
  int HeartbeatCount() const;

 private:
  ActivityInfo info_;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  std::condition_variable cancel_signal_;
  nlohmann::json last_heartbeat_;
  int heartbeat_count_ = 0;
  std::function<void(const nlohmann::json&)> on_heartbeat_;
};

}  // namespace weft::activity

#endif  // WEFT_RUNTIME_ACTIVITY_ACTIVITY_CONTEXT_H_
