// The Temporal engine's commands (runtime/temporal). worker: serves every definition of a
// workflows folder, and the activity registry, on a Temporal task queue (worker_service.h, over
// folder_worker.h: the serving and the rescanning). replay: replays histories exported from any
// Temporal server (`temporal workflow show -o json`, `weft history`) against this build; exit 0:
// deterministic, 1: one diverged (the event and the command are printed), 2: a history or the
// arguments cannot be used. codec-server: Temporal's remote codec protocol with weft's payload
// keys (codec_server.h), for the Temporal UI and `temporal workflow show --codec-endpoint`.
// worker and codec-server run until SIGINT or SIGTERM (the worker stops gracefully).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/temporal/codec_server.h"
#include "runtime/temporal/connection_arguments.h"
#include "runtime/temporal/history_file_replay.h"
#include "runtime/temporal/worker_service.h"

namespace weft::cli {
namespace {

struct WorkerFlags {
  temporal::WorkerServiceOptions service;
  std::vector<std::string> plugins;
  std::string lua_dir;
};

void RunWorker(const WorkerFlags& flags) {
  const auto served = temporal::RunWorkerService(flags.service, [&flags] {
    return activities::BuildProjectRegistry(flags.plugins, flags.lua_dir);
  });
  if (!served) CommandFailed("worker", served.error());
}

struct ReplayOptions {
  std::vector<std::string> files;
  std::string workflows_dir;
  std::string workflow_id = "replay";
  bool json = false;
  std::string codec_key_file;
};

void RunReplay(const ReplayOptions& options) {
  const temporal::HistoryFilesReplay replay = temporal::ReplayHistoryFiles(
      options.files, std::cin, temporal::ReplayCatalog(options.workflows_dir), options.workflow_id,
      temporal::PayloadKeys(options.codec_key_file));
  if (!options.json) std::cout << replay.Text();
  if (replay.error) CommandFailed("replay", *replay.error, 2);
  if (options.json) PrintJson(replay.ToJson());
  if (!replay.deterministic()) throw CLI::RuntimeError(1);
}

struct CodecServerFlags {
  std::string codec_key_file;
  temporal::CodecServerOptions server;
};

void RunCodecServer(CodecServerFlags& flags) {
  auto keys = temporal::PayloadKeys(flags.codec_key_file);
  if (!keys) {
    CommandFailed("codec-server", "no payload keys: give --codec-key-file or set WEFT_CODEC_KEYS");
  }
  flags.server.keys = *keys;
  const auto served = temporal::RunCodecServerService(flags.server, [](const std::string& address) {
    // For scripts and tests that start it on port 0: where it listens, on stdout.
    std::cout << "listening on " << address << std::endl;
  });
  if (!served) CommandFailed("codec-server", served.error());
}

}  // namespace

void AddWorkerCommand(CLI::App& app) {
  auto flags = std::make_shared<WorkerFlags>();
  temporal::FolderWorkerOptions& folder = flags->service.worker;
  CLI::App* command = app.add_subcommand(
      "worker", "Serve the workflows folder and the activities on a Temporal task queue");
  AddConnectionFlags(*command, flags->service.connection);
  command->add_option("--task-queue,-q", folder.worker.task_queue, "Task queue to poll")
      ->capture_default_str();
  AddWorkflowsFlag(*command, folder.workflows,
                   "Folder of workflow definitions, rescanned every second");
  AddActivityFlags(*command, flags->plugins, flags->lua_dir);
  temporal::DefinitionWorkerOptions& worker = folder.worker;
  // Enough for the server's default four partitions of a task queue (docs/temporal.md).
  AddBoundedOption(*command, "--workflow-pollers", worker.workflow_pollers,
                   "Workflow task polls of the task queue kept out", 1, 64);
  AddBoundedOption(*command, "--sticky-pollers", worker.sticky_pollers,
                   "Workflow task polls of this worker's sticky queue kept out", 1, 64);
  AddBoundedOption(*command, "--activity-pollers", worker.activity_pollers,
                   "Activity task polls kept out (each holds an activity slot)", 1, 64);
  AddBoundedOption(*command, "--max-cached-runs", worker.max_cached_runs,
                   "Runs kept in memory between tasks (0: replay every task from history)", 0,
                   1'000'000);
  AddBoundedOption(*command, "--max-concurrent-activities", worker.max_concurrent_activities,
                   "Activities run at once", 1, 4096);
  AddSecondsOption(*command, "--graceful-shutdown-timeout", worker.graceful_shutdown,
                   "Seconds activities in flight may take to finish after SIGTERM before they "
                   "are cancelled",
                   0.0, 86400.0);
  AddRescanFlag(*command, folder.rescan_interval);
  AddMetricsFlag(*command, flags->service.metrics_address);
  command->add_flag("--sync-schedules", folder.sync_schedules,
                    "Create, update and delete the Temporal schedules the definitions declare "
                    "(`schedules:`), and only those");
  command->callback([flags] { RunWorker(*flags); });
}

void AddReplayCommand(CLI::App& app) {
  auto options = std::make_shared<ReplayOptions>();
  CLI::App* command = app.add_subcommand(
      "replay", "Replay exported histories against this build: exit 0 if deterministic, 1 if not");
  command
      ->add_option("history", options->files,
                   "History JSON (`temporal workflow show -o json`, `weft history`); - for stdin")
      ->required();
  AddWorkflowsFlag(*command, options->workflows_dir,
                   "Definitions for histories without a pin (default: ./workflows)");
  command->add_option("--workflow-id", options->workflow_id,
                      "The workflow id the run had (histories do not record it)");
  command->add_flag("--json", options->json, "The outcome as JSON");
  AddCodecKeyFlag(*command, options->codec_key_file);
  command->callback([options] { RunReplay(*options); });
}

void AddCodecServerCommand(CLI::App& app) {
  auto flags = std::make_shared<CodecServerFlags>();
  CLI::App* command = app.add_subcommand(
      "codec-server",
      "Serve Temporal's remote codec protocol with the payload keys, for the Temporal UI and CLI");
  AddCodecKeyFlag(*command, flags->codec_key_file);
  command
      ->add_option("--listen", flags->server.address,
                   "host:port to listen on (0.0.0.0:8081 for every interface: put a proxy that "
                   "authenticates in front)")
      ->capture_default_str();
  command
      ->add_option("--cors-origin", flags->server.cors_origins,
                   "Origin of a Temporal UI allowed to call from the browser; repeatable")
      ->capture_default_str();
  command->add_option("--namespace", flags->server.namespaces,
                      "Serve only this namespace (X-Namespace or the path); repeatable");
  command->callback([flags] { RunCodecServer(*flags); });
}

}  // namespace weft::cli
