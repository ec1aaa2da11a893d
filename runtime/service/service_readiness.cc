#include "runtime/service/service_readiness.h"

namespace weft::service {

void ServiceReadiness::Set(metrics::ReadinessCheck check) {
  std::lock_guard lock(mutex_);
  check_ = std::move(check);
}

void ServiceReadiness::SetReady(bool ready) {
  if (ready) {
    Set([]() -> std::expected<void, std::string> { return {}; });
  } else {
    Set(nullptr);
  }
}

std::expected<void, std::string> ServiceReadiness::Check() const {
  std::lock_guard lock(mutex_);
  if (!check_) return std::unexpected(not_ready_);
  return check_();
}

}  // namespace weft::service
