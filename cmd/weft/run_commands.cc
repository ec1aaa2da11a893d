// The embedded engine's commands: run, resume, list, show, and serve (the engine as a
// long-running service: every run of the journal kept moving, the folder's schedules fired, the
// folder rescanned, until SIGINT or SIGTERM). Running in the foreground, serving, starting
// runs, reading them and their text are runtime/client's (foreground_run.h, run_text.h); the policy
// of who executes a journal's runs is runtime/embedded/host.h's. What is here is flags and
// printing: progress lines rewritten in place on a terminal, tables, a run's history.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cmd/weft/commands.h"
#include "cmd/weft/flags.h"
#include "cmd/weft/output.h"
#include "runtime/client/embedded_client.h"
#include "runtime/client/foreground_run.h"
#include "runtime/client/progress_printer.h"
#include "runtime/client/run_text.h"

namespace weft::cli {
namespace {

using nlohmann::json;

// Progress on stderr, rewritten in place on a terminal.
client::ProgressPrinter StderrProgress() {
  return client::ProgressPrinter(std::cerr, ::isatty(STDERR_FILENO) != 0);
}

// Notices on stderr; progress too when a printer is given.
client::ForegroundOptions Foreground(const client::ForegroundOptions& engine,
                                     client::ProgressPrinter* progress) {
  client::ForegroundOptions options = engine;
  if (progress != nullptr) {
    options.on_progress = [progress](const client::ProgressLine& line) { progress->Print(line); };
  }
  options.on_notice = [](const std::string& notice) { std::cerr << "weft: " << notice << "\n"; };
  return options;
}

struct RunOptions {
  client::ForegroundOptions engine;
  std::string workflow;
  std::string input;
  std::string workflow_id;
  bool detach = false;
  bool new_run = false;
};

void RunWorkflow(const RunOptions& options) {
  // The same command again resumes the run it started (docs/engines.md).
  const client::StartRequest request{.workflow = options.workflow,
                                     .input = InputJson(options.input, json::object()),
                                     .workflow_id = options.workflow_id,
                                     .reuse_unfinished = !options.new_run};
  // A definition that is not there, or an input it refuses, is a usage error.
  auto exit_code = [](const client::ClientError& error) {
    using Kind = client::ClientError::Kind;
    return error.kind == Kind::kNotFound || error.kind == Kind::kInvalidArgument ? 2 : 1;
  };
  if (!options.detach) {
    client::ProgressPrinter progress = StderrProgress();
    auto outcome = client::RunInForeground(request, Foreground(options.engine, &progress));
    progress.Finish();
    if (!outcome) Fail(outcome.error(), exit_code(outcome.error()));
    PrintOutcome(*outcome);
    return;
  }
  auto started = client::StartDetached(request, Foreground(options.engine, nullptr));
  if (!started) Fail(started.error(), exit_code(started.error()));
  std::cout << started->run_id << "\n" << std::flush;
}

void Resume(const client::ForegroundOptions& engine) {
  client::ProgressPrinter progress = StderrProgress();
  // Refused by the lease, this process ran nothing: a script that asked for an engine must be
  // able to tell (the other engine runs the runs; the notice said which).
  if (!OrFail(client::ResumeInForeground(Foreground(engine, &progress)))) {
    CommandFailed("resume",
                  "nothing resumed: another engine holds the lease of " + engine.journal.string());
  }
  progress.Finish();
}

std::unique_ptr<client::EmbeddedClient> Open(const client::EmbeddedClientOptions& embedded) {
  return OrFail(client::EmbeddedClient::Open(embedded));
}

struct ListOptions {
  client::EmbeddedClientOptions embedded;  // --journal
  bool json = false;
  std::string workflow, status;
  std::int64_t limit = 50;
};

void List(const ListOptions& options) {
  // --status is checked against the names by CLI11.
  const client::ListFilter filter{.workflow = options.workflow,
                                  .status = client::ParseRunStatus(options.status),
                                  .limit = options.limit};
  const auto runs = OrFail(Open(options.embedded)->List(filter));
  if (options.json) {
    PrintJson(client::RunListJson(runs));
  } else {
    std::cout << client::RunListText(runs);
  }
}

void Show(const client::EmbeddedClientOptions& embedded, const std::string& id, bool as_json) {
  const json run = OrFail(Open(embedded)->Describe({.workflow_id = id})).details;
  if (as_json) {
    PrintJson(run);
  } else {
    std::cout << client::RunDescriptionText(run);
  }
}

void Serve(const client::ServeServiceOptions& options) {
  const auto served = client::RunServeService(options);
  if (!served) CommandFailed("serve", served.error());
}

}  // namespace

void AddRunCommands(CLI::App& app) {
  {
    auto options = std::make_shared<RunOptions>();
    auto* command = app.add_subcommand(
        "run", "Run a workflow on the embedded engine: progress on stderr, the result on stdout");
    command->add_option("workflow", options->workflow, "A definition's name, or a file")
        ->required();
    AddInputFlag(*command, options->input);
    command->add_option("--id,-w", options->workflow_id, "Workflow id (default: <name>-<8 hex>)");
    command->add_flag("--detach,-d", options->detach,
                      "Print the run id at once; a background engine runs it");
    command->add_flag("--new", options->new_run,
                      "Start a new run even if one with the same input is unfinished");
    AddEngineFlags(*command, options->engine);
    command->callback([options] { RunWorkflow(*options); });
  }
  {
    auto engine = std::make_shared<client::ForegroundOptions>();
    auto* command =
        app.add_subcommand("resume", "Continue every unfinished run of the journal until done");
    AddEngineFlags(*command, *engine);
    AddSecondsOption(*command, "--linger", engine->linger,
                     "Seconds to keep running once no run is open, for runs started meanwhile", 0.0,
                     3600.0);
    command->callback([engine] { Resume(*engine); });
  }
  {
    auto options = std::make_shared<ListOptions>();
    auto* command = app.add_subcommand("list", "List the embedded engine's runs, newest first");
    AddJournalFlag(*command, options->embedded.journal);
    command->add_flag("--json", options->json, "One JSON array, for machines");
    command->add_option("--limit,-n", options->limit, "How many")->capture_default_str();
    command->add_option("--workflow", options->workflow, "Only the runs of this definition");
    command->add_option("--status", options->status, "Only the runs in this status")
        ->check(CLI::IsMember(client::RunStatusNames()));
    command->callback([options] { List(*options); });
  }
  {
    auto embedded = std::make_shared<client::EmbeddedClientOptions>();
    auto as_json = std::make_shared<bool>(false);
    auto id = std::make_shared<std::string>();
    auto* command = app.add_subcommand("show", "Show a run of the embedded engine: its history");
    AddJournalFlag(*command, embedded->journal);
    command->add_option("run", *id, "Run id or workflow id")->required();
    command->add_flag("--json", *as_json, "As JSON");
    command->callback([embedded, as_json, id] { Show(*embedded, *id, *as_json); });
  }
}

void AddServeCommand(CLI::App& app) {
  auto options = std::make_shared<client::ServeServiceOptions>();
  CLI::App* command = app.add_subcommand(
      "serve",
      "Run the embedded engine as a service: every run of the journal, the folder's schedules, "
      "until SIGTERM");
  AddEngineFlags(*command, options->engine);
  AddRescanFlag(*command, options->rescan);
  AddMetricsFlag(*command, options->metrics_address);
  command->callback([options] { Serve(*options); });
}

}  // namespace weft::cli
