#include "runtime/service/run_service.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "runtime/http/http_server.h"
#include "runtime/metrics/metrics_endpoint.h"
#include "runtime/service/stop_signals.h"

namespace weft::service {

std::expected<void, std::string> RunService(const ServiceOptions& options,
                                            const ServiceBody& body) {
  BlockStopSignals();
  ServiceReadiness readiness(options.not_ready);
  std::unique_ptr<http::HttpServer> endpoint;
  if (!options.metrics_address.empty()) {
    auto started = metrics::StartMetricsEndpoint(options.metrics_address, options.metrics,
                                                 [&readiness] { return readiness.Check(); });
    if (!started) return std::unexpected(started.error() + " (--metrics-address)");
    endpoint = std::move(*started);
    spdlog::info("metrics at http://{}/metrics, probes at /healthz and /readyz",
                 endpoint->address());
  }

  std::expected<void, std::string> served;
  std::atomic<bool> ended_by_itself{false};
  std::jthread serving([&](std::stop_token stop) {
    served = body(stop, readiness);
    if (stop.stop_requested()) return;
    // An error: wake the main thread's wait as a signal would. The signal is blocked in every
    // thread, so it waits for sigwait().
    ended_by_itself = true;
    ::kill(::getpid(), SIGTERM);
  });
  const char* signal = WaitForStopSignal();
  if (!ended_by_itself) spdlog::info("{}: shutting down", signal);
  serving.request_stop();
  serving.join();
  // The endpoint's readiness check may read what the body served: the body stops first.
  if (endpoint) endpoint->Stop();
  return served;
}

void WaitUntilStopRequested(std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any stopped;
  std::unique_lock lock(mutex);
  stopped.wait(lock, stop, [] { return false; });
}

}  // namespace weft::service
