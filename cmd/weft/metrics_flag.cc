#include "cmd/weft/metrics_flag.h"

#include <spdlog/spdlog.h>

#include "cmd/weft/output.h"

namespace weft::cli {

void MetricsFlag::Add(CLI::App& command) {
  command
      .add_option("--metrics-address", address,
                  "Serve Prometheus metrics at http://<host:port>/metrics, and /healthz and "
                  "/readyz for probes (e.g. 127.0.0.1:9464; 0.0.0.0:9464 for every interface)")
      ->envname("WEFT_METRICS_ADDRESS");
}

std::unique_ptr<http::HttpServer> MetricsFlag::Start(
    const std::string& command, std::shared_ptr<const metrics::MetricsRegistry> registry,
    metrics::ReadinessCheck ready) const {
  if (address.empty()) return nullptr;
  auto started = metrics::StartMetricsEndpoint(address, std::move(registry), std::move(ready));
  if (!started) {
    CommandFailed(command, started.error() + " (--metrics-address)");
  }
  spdlog::info("metrics at http://{}/metrics, probes at /healthz and /readyz",
               (*started)->address());
  return std::move(*started);
}

}  // namespace weft::cli
