// The lifetime of `weft worker` and `weft serve`: the body on its own thread until a stop signal,
// or until it ends by itself; the operations endpoint before the body. The stop signal is sent
// to this process from a thread RunService started, which has the signals blocked as every
// thread but the waiting one.
#include "runtime/service/run_service.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>

#include "runtime/metrics/metrics_endpoint.h"

using weft::service::RunService;
using weft::service::ServiceReadiness;
using weft::service::WaitUntilStopRequested;

TEST_CASE("a stop signal asks the body to stop, and the service returns once it has") {
  std::atomic<bool> saw_stop{false};
  auto served = RunService({}, [&](std::stop_token stop, ServiceReadiness&) {
    ::kill(::getpid(), SIGTERM);
    WaitUntilStopRequested(stop);
    saw_stop = true;
    return std::expected<void, std::string>();
  });
  CHECK(served);
  CHECK(saw_stop);
}

TEST_CASE("a body that fails ends the service with its error, no signal needed") {
  auto served = RunService({}, [](std::stop_token, ServiceReadiness&) {
    return std::expected<void, std::string>(std::unexpected(std::string("no such folder")));
  });
  REQUIRE_FALSE(served);
  CHECK(served.error() == "no such folder");
}

TEST_CASE("a metrics address that is taken fails at once, naming the flag; the body never runs") {
  auto registry = std::make_shared<weft::metrics::MetricsRegistry>();
  auto taken = weft::metrics::StartMetricsEndpoint(
      "127.0.0.1:0", registry, [] { return std::expected<void, std::string>(); });
  REQUIRE(taken);
  bool ran = false;
  auto served = RunService({.metrics_address = (*taken)->address(), .metrics = registry},
                           [&](std::stop_token, ServiceReadiness&) {
                             ran = true;
                             return std::expected<void, std::string>();
                           });
  REQUIRE_FALSE(served);
  CHECK_THAT(served.error(), Catch::EndsWith("(--metrics-address)"));
  CHECK_FALSE(ran);
}
