// The operations endpoint over real HTTP on loopback: /metrics is the registry's text as it is
// at the scrape, /healthz answers, /readyz follows the readiness check with its reason.

#include "runtime/metrics/metrics_endpoint.h"

#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>

using weft::metrics::MetricsRegistry;
using weft::metrics::StartMetricsEndpoint;

TEST_CASE("The endpoint serves the registry's metrics, health and readiness") {
  auto registry = std::make_shared<MetricsRegistry>();
  auto& completed = registry->AddCounter("temporal_workflow_completed", "Completed", {"namespace"});
  std::atomic<bool> connected{false};
  auto endpoint =
      StartMetricsEndpoint("127.0.0.1:0", registry, [&]() -> std::expected<void, std::string> {
        if (connected) return {};
        return std::unexpected(std::string("not connected"));
      });
  REQUIRE(endpoint);
  httplib::Client client("127.0.0.1", (*endpoint)->port());

  completed.With({"default"}).Increment(4);
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(metrics->body.find("temporal_workflow_completed{namespace=\"default\"} 4\n") !=
        std::string::npos);
  completed.With({"default"}).Increment();
  CHECK(
      client.Get("/metrics")->body.find("temporal_workflow_completed{namespace=\"default\"} 5\n") !=
      std::string::npos);

  auto health = client.Get("/healthz");
  CHECK(health->status == 200);
  CHECK(health->body == "ok\n");

  auto not_ready = client.Get("/readyz");
  CHECK(not_ready->status == 503);
  CHECK(not_ready->body == "not ready: not connected\n");
  connected = true;
  auto ready = client.Get("/readyz");
  CHECK(ready->status == 200);
  CHECK(ready->body == "ready\n");

  CHECK(client.Get("/other")->status == 404);
  CHECK(client.Post("/metrics", "", "text/plain")->status == 405);
}

TEST_CASE("An endpoint address that is taken is refused with the reason") {
  auto registry = std::make_shared<MetricsRegistry>();
  auto ok = [] { return std::expected<void, std::string>(); };
  auto first = StartMetricsEndpoint("127.0.0.1:0", registry, ok);
  REQUIRE(first);
  auto second = StartMetricsEndpoint((*first)->address(), registry, ok);
  REQUIRE_FALSE(second);
  CHECK(second.error() == "cannot listen on " + (*first)->address() + ": Address already in use");
}
