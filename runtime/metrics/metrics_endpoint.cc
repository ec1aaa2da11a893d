#include "runtime/metrics/metrics_endpoint.h"

#include "runtime/http/http_router.h"
#include "runtime/metrics/prometheus_text.h"

namespace weft::metrics {

std::expected<std::unique_ptr<http::HttpServer>, std::string> StartMetricsEndpoint(
    const std::string& address, std::shared_ptr<const MetricsRegistry> registry,
    ReadinessCheck ready) {
  using http::HttpRequest;
  using http::HttpResponse;
  http::HttpRouter router;
  router
      .Get("/metrics",
           [registry](const HttpRequest&) {
             return HttpResponse::Text(200, WritePrometheusText(registry->Snapshot()),
                                       kPrometheusTextContentType);
           })
      .Get("/healthz", [](const HttpRequest&) { return HttpResponse::Text(200, "ok\n"); })
      .Get("/readyz", [ready = std::move(ready)](const HttpRequest&) {
        auto readiness = ready();
        return readiness ? HttpResponse::Text(200, "ready\n")
                         : HttpResponse::Text(503, "not ready: " + readiness.error() + "\n");
      });
  // Probes and scrapes are small and few: two threads, and a short timeout for a stuck client.
  return http::HttpServer::Start({.address = address,
                                  .max_body_bytes = 0,
                                  .threads = 2,
                                  .io_timeout = std::chrono::seconds(5)},
                                 std::move(router));
}

}  // namespace weft::metrics
