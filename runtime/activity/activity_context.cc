#include "runtime/activity/activity_context.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace weft::activity {

LocalActivityContext::LocalActivityContext(ActivityInfo info) : info_(std::move(info)) {}

void LocalActivityContext::Heartbeat(const nlohmann::json& details) {
  std::function<void(const nlohmann::json&)> callback;
  {
    std::lock_guard lock(mutex_);
    last_heartbeat_ = details;
    ++heartbeat_count_;
    callback = on_heartbeat_;
  }
  if (callback) callback(details);
}

bool LocalActivityContext::WaitForCancel(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cancel_signal_.wait_for(lock, timeout, [&] { return IsCancelled(); });
  return IsCancelled();
}

void LocalActivityContext::Log(LogLevel level, std::string_view message) {
  auto spd_level = level == LogLevel::kDebug  ? spdlog::level::debug
                   : level == LogLevel::kInfo ? spdlog::level::info
                   : level == LogLevel::kWarn ? spdlog::level::warn
                                              : spdlog::level::err;
  spdlog::log(spd_level, "[{} {}] {}", info_.activity_type, info_.activity_id, message);
}

void LocalActivityContext::Cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_.store(true, std::memory_order_relaxed);
  }
  cancel_signal_.notify_all();
}

void LocalActivityContext::OnHeartbeat(std::function<void(const nlohmann::json&)> callback) {
  std::lock_guard lock(mutex_);
  on_heartbeat_ = std::move(callback);
}

nlohmann::json LocalActivityContext::LastHeartbeat() const {
  std::lock_guard lock(mutex_);
  return last_heartbeat_;
}

int LocalActivityContext::HeartbeatCount() const {
  std::lock_guard lock(mutex_);
  return heartbeat_count_;
}

}  // namespace weft::activity
