// serve: the embedded engine as a long-running service (embedded::Host::Serve, through
// client::ServeInForeground): every run of the journal kept moving, the folder's schedules
// fired, the folder rescanned, for the lifetime of runtime/service/run_service.h (SIGINT and
// SIGTERM stop it; --metrics-address). Here: the flags.
#include <spdlog/spdlog.h>

#include <memory>
#include <stop_token>
#include <string>

#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/client/foreground_run.h"
#include "runtime/service/run_service.h"

namespace weft::cli {
namespace {

struct ServeFlags {
  client::ForegroundOptions engine;
  double rescan_seconds = 1.0;
  std::string metrics_address;
};

void Serve(ServeFlags& flags) {
  auto metrics = std::make_shared<metrics::MetricsRegistry>();
  flags.engine.on_notice = [](const std::string& notice) { spdlog::info("{}", notice); };
  const auto served = service::RunService(
      {.metrics_address = flags.metrics_address,
       .metrics = metrics,
       .not_ready = "not executing the journal yet"},
      [&](std::stop_token stop,
          service::ServiceReadiness& readiness) -> std::expected<void, std::string> {
        auto engine = client::ServeInForeground(
            flags.engine, stop,
            {.rescan = Seconds(flags.rescan_seconds),
             .metrics = metrics,
             .on_ready = [&readiness](bool ready) { readiness.SetReady(ready); }});
        if (!engine) return std::unexpected(engine.error().message);
        return {};
      });
  if (!served) CommandFailed("serve", served.error());
  spdlog::info("weft serve stopped");
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Run the embedded engine as a service: every run of the journal, the folder's schedules, "
      "until SIGTERM");
  AddEngineFlags(*command, flags->engine);
  command->add_option("--rescan-seconds", flags->rescan_seconds, "How often workflows/ is read")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  AddMetricsFlag(*command, flags->metrics_address);
  command->callback([flags] { Serve(*flags); });
}

}  // namespace weft::cli
