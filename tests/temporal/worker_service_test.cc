// RunWorkerService, `weft worker` as a function, where it needs no server: the registry is built
// on the serving thread and its error ends the service; a workflows folder that is not there
// ends it before any server is reached; both are the errors the command prints. Serving a real
// dev server, with the signals and the graceful shutdown, is worker_command_test's.
#include "runtime/temporal/worker_service.h"

#include <catch2/catch.hpp>
#include <thread>

using weft::activity::ActivityError;
using weft::activity::ActivityRegistry;
using weft::temporal::RunWorkerService;

TEST_CASE("the registry is built on the serving thread, and its error ends the service") {
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id builder;
  auto served = RunWorkerService(
      {.connection = {.address = "127.0.0.1:1"}},
      [&]() -> std::expected<std::unique_ptr<ActivityRegistry>, ActivityError> {
        builder = std::this_thread::get_id();
        return std::unexpected(ActivityError{.type = "PluginError", .message = "no such plugin"});
      });
  REQUIRE_FALSE(served);
  CHECK(served.error() == "no such plugin");
  CHECK(builder != caller);
}

TEST_CASE("a workflows folder that is not there ends the service before a server is reached") {
  auto served = RunWorkerService(
      {.connection = {.address = "127.0.0.1:1"}, .worker = {.workflows = "/nonexistent"}},
      [] { return std::make_unique<ActivityRegistry>(); });
  REQUIRE_FALSE(served);
  CHECK(served.error() == "no workflows folder at /nonexistent (give one with --workflows)");
}
