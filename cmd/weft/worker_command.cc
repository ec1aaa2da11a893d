// worker: serves every definition of a workflows folder on a Temporal task queue, and the
// activity registry on the same queue. The folder is rescanned every second: new and changed
// definitions serve new runs at once, runs in flight keep the definition pinned in their
// history. SIGINT and SIGTERM shut down gracefully (ShutdownWorker); a server that goes away
// is polled again with backoff until it comes back.
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "activities/builtin_activities.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/connection_flags.h"
#include "dsl/definition_catalog.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/temporal/definition_worker.h"

namespace weft::cli {
namespace {

struct WorkerOptions {
  ConnectionFlags connection;
  std::string task_queue = "weft";
  std::string workflows_dir = "workflows";
  std::vector<std::string> plugins;
  std::string lua_dir;
  int workflow_pollers = 2;
  int max_cached_runs = 1000;
  int max_concurrent_activities = 16;
  double rescan_seconds = 1.0;
};

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "weft worker: " << message << "\n";
  throw CLI::RuntimeError(1);
}

void LogScan(const dsl::DefinitionCatalog::ScanResult& scan) {
  for (const auto& name : scan.changed) spdlog::info("serving workflow {}", name);
  for (const auto& name : scan.removed) spdlog::info("no longer serving workflow {}", name);
  for (const auto& [path, diagnostics] : scan.invalid) {
    for (const auto& diagnostic : diagnostics) {
      spdlog::warn("{}", dsl::FormatDiagnostic(diagnostic));
    }
  }
}

void RunWorker(const WorkerOptions& options) {
  // SIGINT and SIGTERM are taken by this thread alone, in sigwait() below, which stops the
  // workers. Blocked before any thread starts (gRPC's, Lua's, ours), so that every thread
  // inherits the mask and a signal never interrupts a call or an activity.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const activities::RegistryOptions registry_options =
      activities::ProjectRegistryOptions(options.plugins, options.lua_dir);
  activity::ActivityRegistry registry;
  if (auto registered = activities::RegisterAll(registry_options, registry); !registered) {
    Fail(registered.error().message);
  }
  std::set<std::string> activity_names;
  for (const auto* definition : registry.List()) activity_names.insert(definition->name);

  if (std::error_code failed; !std::filesystem::is_directory(options.workflows_dir, failed)) {
    Fail("no workflows folder at " + options.workflows_dir + " (give one with --workflows)");
  }
  auto catalog = std::make_shared<dsl::DefinitionCatalog>(
      options.workflows_dir, dsl::LoadOptions{.known_activities = activity_names});
  LogScan(catalog->Rescan());

  auto worker = temporal::DefinitionWorker::Create(
      temporal::DefinitionWorkerOptions{
          .connection = options.connection.Options(),
          .task_queue = options.task_queue,
          .workflow_pollers = options.workflow_pollers,
          .max_cached_runs = options.max_cached_runs,
          .max_concurrent_activities = options.max_concurrent_activities},
      catalog, registry);
  if (!worker) Fail(worker.error());

  std::mutex mutex;
  std::condition_variable stopped_changed;
  bool stopped = false;
  std::thread workers([&] { (*worker)->Run(); });
  std::thread rescans([&] {
    const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(options.rescan_seconds));
    std::unique_lock lock(mutex);
    while (!stopped_changed.wait_for(lock, interval, [&] { return stopped; })) {
      lock.unlock();
      LogScan(catalog->Rescan());
      lock.lock();
    }
  });
  spdlog::info("weft worker on task queue {} at {} (namespace {}): {} workflows, {} activities",
               options.task_queue, options.connection.address, options.connection.namespace_name,
               catalog->List().size(), activity_names.size());

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("{}: shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
  {
    std::lock_guard lock(mutex);
    stopped = true;
  }
  stopped_changed.notify_all();
  (*worker)->Stop();
  rescans.join();
  workers.join();
  spdlog::info("weft worker stopped");
}

}  // namespace

void AddWorkerCommand(CLI::App& app) {
  auto options = std::make_shared<WorkerOptions>();
  CLI::App* command = app.add_subcommand(
      "worker", "Serve the workflows folder and the activities on a Temporal task queue");
  options->connection.AddTo(*command);
  command->add_option("--task-queue,-q", options->task_queue, "Task queue to poll")
      ->capture_default_str();
  command
      ->add_option("--workflows", options->workflows_dir,
                   "Folder of workflow definitions, rescanned every second")
      ->capture_default_str();
  command->add_option("--plugin", options->plugins, "Load an activity plugin (a .so); repeatable");
  command
      ->add_option("--lua-dir", options->lua_dir,
                   "Directory of Lua activity modules (default: ./activities if present)")
      ->envname("WEFT_LUA_DIR");
  command->add_option("--workflow-pollers", options->workflow_pollers, "Workflow task pollers")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  command
      ->add_option("--max-cached-runs", options->max_cached_runs,
                   "Runs kept in memory between tasks (0: replay every task from history)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1'000'000));
  command
      ->add_option("--max-concurrent-activities", options->max_concurrent_activities,
                   "Activities run at once")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  command->add_option("--rescan-seconds", options->rescan_seconds, "How often workflows/ is read")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  command->callback([options] { RunWorker(*options); });
}

}  // namespace weft::cli
