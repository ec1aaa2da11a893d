// serve: the embedded engine as a long-running service (embedded::Host::Serve, through
// client::ServeInForeground): every run of the journal kept moving, the folder's schedules
// fired, the folder rescanned. Here: the flags, the metrics and health endpoint
// (--metrics-address), and SIGINT and SIGTERM, which stop it.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>

#include "cmd/weft/commands.h"
#include "cmd/weft/engine_flags.h"
#include "cmd/weft/metrics_flag.h"
#include "cmd/weft/output.h"
#include "runtime/client/foreground_run.h"
#include "runtime/service/stop_signals.h"

namespace weft::cli {
namespace {

struct ServeFlags {
  EngineFlags engine;
  double rescan_seconds = 1.0;
  MetricsFlag metrics;
};

void Serve(const ServeFlags& flags) {
  service::BlockStopSignals();
  auto registry = std::make_shared<metrics::MetricsRegistry>();
  std::atomic<bool> ready{false};
  const std::unique_ptr<http::HttpServer> endpoint =
      flags.metrics.Start("serve", registry, [&]() -> std::expected<void, std::string> {
        if (!ready.load()) return std::unexpected(std::string("not executing the journal yet"));
        return {};
      });

  client::ForegroundOptions options = flags.engine.Engine();
  options.on_notice = [](const std::string& notice) { spdlog::info("{}", notice); };
  const embedded::ServeOptions serve{
      .rescan = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::duration<double>(flags.rescan_seconds)),
      .metrics = registry,
      .on_ready = [&ready](bool now) { ready.store(now); }};
  std::expected<void, client::ClientError> served;
  std::jthread engine([&](std::stop_token stop) {
    served = client::ServeInForeground(options, stop, serve);
    // The service stopped by itself (an error): wake the main thread's wait.
    if (!stop.stop_requested()) ::kill(::getpid(), SIGTERM);
  });
  spdlog::info("{}: shutting down", service::WaitForStopSignal());
  engine.request_stop();
  engine.join();
  if (endpoint) endpoint->Stop();
  if (!served) CommandFailed("serve", served.error().message);
  spdlog::info("weft serve stopped");
}

}  // namespace

void AddServeCommand(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Run the embedded engine as a service: every run of the journal, the folder's schedules, "
      "until SIGTERM");
  flags->engine.AddEngine(*command);
  command->add_option("--rescan-seconds", flags->rescan_seconds, "How often workflows/ is read")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  flags->metrics.Add(*command);
  command->callback([flags] { Serve(*flags); });
}

}  // namespace weft::cli
