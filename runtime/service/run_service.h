// RunService: the lifetime that `weft worker`, `serve`, `ui` and `codec-server` share, as a
// function. It blocks SIGINT and SIGTERM (stop_signals.h), starts the operations endpoint
// (/metrics, /healthz, /readyz: runtime/metrics/metrics_endpoint.h) when given an address, runs
// the service's body on a thread of its own, and waits for a stop signal. On one, it asks the
// body to stop, waits for it, then stops the endpoint. A body that returns by itself (an error)
// ends the wait as a signal would.
//
// The endpoint listens before the body starts: a taken port fails at once, and /healthz answers
// while the service comes up (/readyz says why it is not ready: ServiceReadiness).
//
// Call it on the main thread before any other thread starts: threads inherit the signal mask.
// Blocks until the service stopped.
#ifndef WEFT_RUNTIME_SERVICE_RUN_SERVICE_H_
#define WEFT_RUNTIME_SERVICE_RUN_SERVICE_H_

#include <expected>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "runtime/metrics/metrics_registry.h"
#include "runtime/service/service_readiness.h"

namespace weft::service {

struct ServiceOptions {
  std::string metrics_address;  // host:port of the endpoint (--metrics-address); empty: none
  std::shared_ptr<const metrics::MetricsRegistry> metrics;
  std::string not_ready = "starting";  // what /readyz says until the body sets a check
};

// Serves until `stop` is requested, then returns. An error, or a return before `stop`, ends
// the service.
using ServiceBody = std::function<std::expected<void, std::string>(std::stop_token stop,
                                                                   ServiceReadiness& readiness)>;

// The body's error, or the endpoint's ("... (--metrics-address)").
std::expected<void, std::string> RunService(const ServiceOptions& options, const ServiceBody& body);

// Blocks until `stop` is requested: the body of a service whose work runs on threads of its own
// (an HTTP server: `weft ui`, `weft codec-server`).
void WaitUntilStopRequested(std::stop_token stop);

}  // namespace weft::service

#endif  // WEFT_RUNTIME_SERVICE_RUN_SERVICE_H_
