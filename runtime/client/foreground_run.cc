#include "runtime/client/foreground_run.h"

#include <spdlog/spdlog.h>

#include "activities/builtin_activities.h"
#include "runtime/client/embedded_client.h"
#include "runtime/service/run_service.h"

namespace weft::client {
namespace {

// As a command-line flag takes it: "2", "0.5".
std::string FlagSeconds(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000);  // "2"
  return std::to_string(static_cast<double>(duration.count()) / 1000.0);
}

embedded::Host MakeHost(const ForegroundOptions& options) {
  return embedded::Host(
      {.journal = options.journal,
       .workflows = options.workflows,
       .make_registry =
           [&options]() -> std::expected<std::unique_ptr<activity::ActivityRegistry>, std::string> {
         auto registry = activities::BuildProjectRegistry(options.plugins, options.lua_dir);
         if (!registry) return std::unexpected(registry.error().message);
         return std::move(*registry);
       },
       .on_progress =
           [&options](const embedded::ProgressEvent& event) {
             if (options.on_progress) options.on_progress(DescribeProgress(event));
           },
       .on_notice =
           [&options](const std::string& notice) {
             if (options.on_notice) options.on_notice(notice);
           },
       .poll = options.poll,
       .linger = options.linger,
       .hand_over_to = BackgroundResume(options)});
}

// Starts the run, and says so when the request gave back an unfinished one.
std::expected<Execution, ClientError> StartOrResume(EmbeddedClient& client,
                                                    const StartRequest& request,
                                                    const ForegroundOptions& options) {
  auto started = client.Start(request);
  if (!started) return std::unexpected(started.error());
  const Execution& run = started->execution;
  if (started->reused && options.on_notice) {
    options.on_notice("resuming run " + run.run_id + " (" + run.workflow_id + ")");
  }
  return run;
}

}  // namespace

std::expected<Outcome, ClientError> RunInForeground(const StartRequest& request,
                                                    const ForegroundOptions& options) {
  auto client = EmbeddedClient::Open({.journal = options.journal, .workflows = options.workflows});
  if (!client) return std::unexpected(client.error());
  auto run = StartOrResume(**client, request, options);
  if (!run) return std::unexpected(run.error());
  embedded::Host host = MakeHost(options);
  auto closed = host.Drive(run->run_id);
  if (!closed) return std::unexpected(ClientError{ClientError::Kind::kOther, closed.error()});
  return (*client)->Result({closed->workflow_id, closed->run_id});
}

std::expected<Execution, ClientError> StartDetached(const StartRequest& request,
                                                    const ForegroundOptions& options) {
  auto client = EmbeddedClient::Open(DetachedClientOptions(options));
  if (!client) return std::unexpected(client.error());
  return StartOrResume(**client, request, options);
}

std::expected<bool, ClientError> ResumeInForeground(const ForegroundOptions& options) {
  embedded::Host host = MakeHost(options);
  auto resumed = host.Resume();
  if (!resumed) return std::unexpected(ClientError{ClientError::Kind::kOther, resumed.error()});
  return *resumed;
}

std::expected<void, std::string> RunServeService(ServeServiceOptions options) {
  auto metrics = std::make_shared<metrics::MetricsRegistry>();
  options.engine.on_notice = [](const std::string& notice) { spdlog::info("{}", notice); };
  auto served = service::RunService(
      {.metrics_address = options.metrics_address,
       .metrics = metrics,
       .not_ready = "not executing the journal yet"},
      [&](std::stop_token stop, service::ServiceReadiness& readiness) {
        embedded::Host host = MakeHost(options.engine);
        return host.Serve(std::move(stop),
                          {.rescan = options.rescan,
                           .metrics = metrics,
                           .on_ready = [&readiness](bool ready) { readiness.SetReady(ready); }});
      });
  if (served) spdlog::info("weft serve stopped");
  return served;
}

embedded::BackgroundCommand BackgroundResume(const ForegroundOptions& options) {
  namespace fs = std::filesystem;
  embedded::BackgroundCommand command{
      .arguments = {"resume", "--journal", fs::absolute(options.journal).string(), "--workflows",
                    fs::absolute(options.workflows).string(), "--linger",
                    FlagSeconds(kBackgroundLinger)}};
  for (const auto& plugin : options.plugins) {
    command.arguments.push_back("--plugin");
    command.arguments.push_back(fs::absolute(plugin).string());
  }
  if (!options.lua_dir.empty()) {
    command.arguments.push_back("--lua-dir");
    command.arguments.push_back(fs::absolute(options.lua_dir).string());
  }
  return command;
}

EmbeddedClientOptions DetachedClientOptions(const ForegroundOptions& options) {
  return {.journal = options.journal,
          .workflows = options.workflows,
          .background_engine = BackgroundResume(options)};
}

ClientOptions DetachedConnectOptions(const temporal::ConnectionOptions& temporal,
                                     ForegroundOptions engine) {
  engine.journal = std::filesystem::absolute(engine.journal);
  return {.temporal = temporal, .embedded = DetachedClientOptions(engine)};
}

}  // namespace weft::client
