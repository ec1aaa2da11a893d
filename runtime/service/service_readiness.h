// ServiceReadiness: what a long-running service's /readyz answers (run_service.h), set by the
// service as it comes up and goes down. Until Set() gives a check, and again after Set(nullptr),
// the service is not ready, for the reason it was created with.
//
// Any thread may call it: Set() from the serving thread, Check() from the endpoint's threads.
// Set() returns only once no call of the check it replaces is running, so that a service may
// destroy what its check reads right after Set(nullptr).
#ifndef WEFT_RUNTIME_SERVICE_SERVICE_READINESS_H_
#define WEFT_RUNTIME_SERVICE_SERVICE_READINESS_H_

#include <expected>
#include <mutex>
#include <string>

#include "runtime/metrics/metrics_endpoint.h"

namespace weft::service {

class ServiceReadiness {
 public:
  explicit ServiceReadiness(std::string not_ready) : not_ready_(std::move(not_ready)) {}

  // From now on Check() asks `check`; null: not ready.
  void Set(metrics::ReadinessCheck check);
  // Ready, or not ready for the reason given at creation, until the next Set().
  void SetReady(bool ready);
  // Ready, or not ready and why, as the check says; without one, the reason given at creation.
  std::expected<void, std::string> Check() const;

 private:
  const std::string not_ready_;
  mutable std::mutex mutex_;  // held while the check runs
  metrics::ReadinessCheck check_;
};

}  // namespace weft::service

#endif  // WEFT_RUNTIME_SERVICE_SERVICE_READINESS_H_
