// What /readyz answers as a service comes up and goes down.
#include "runtime/service/service_readiness.h"

#include <catch2/catch.hpp>

using weft::service::ServiceReadiness;

TEST_CASE("a service is not ready, for the reason it was made with, until it says otherwise") {
  ServiceReadiness readiness("starting");
  REQUIRE_FALSE(readiness.Check());
  CHECK(readiness.Check().error() == "starting");

  readiness.Set([]() -> std::expected<void, std::string> {
    return std::unexpected(std::string("no poll is out"));
  });
  CHECK(readiness.Check().error() == "no poll is out");

  readiness.SetReady(true);
  CHECK(readiness.Check());

  readiness.Set(nullptr);  // going down
  CHECK(readiness.Check().error() == "starting");
  readiness.SetReady(false);
  CHECK(readiness.Check().error() == "starting");
}
