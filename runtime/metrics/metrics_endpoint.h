// The operations endpoint of a long-running weft process (`weft worker --metrics-address`, and
// the embedded service to come): an HttpServer (runtime/http) with three routes.
//
//   GET /metrics   the registry in Prometheus's text format (prometheus_text.h)
//   GET /healthz   200 "ok" as long as the process serves HTTP at all: a liveness probe
//   GET /readyz    200 "ready" while `ready` says so (the worker: connected to its server and
//                  polling), else 503 with its reason: a readiness probe
//
// The server stops when the returned object goes (or on its Stop()). `ready` is called on the
// server's threads, possibly several at once.
#ifndef WEFT_RUNTIME_METRICS_METRICS_ENDPOINT_H_
#define WEFT_RUNTIME_METRICS_METRICS_ENDPOINT_H_

#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "runtime/http/http_server.h"
#include "runtime/metrics/metrics_registry.h"

namespace weft::metrics {

// Nothing when ready; why not otherwise ("not connected to the Temporal server at ...").
using ReadinessCheck = std::function<std::expected<void, std::string>()>;

// Listens on `address` (host:port, as HttpServerOptions takes it). The error names the address.
std::expected<std::unique_ptr<http::HttpServer>, std::string> StartMetricsEndpoint(
    const std::string& address, std::shared_ptr<const MetricsRegistry> registry,
    ReadinessCheck ready);

}  // namespace weft::metrics

#endif  // WEFT_RUNTIME_METRICS_METRICS_ENDPOINT_H_
