// The embedded engine's commands: run, resume, list, show. The policy of who executes a
// journal's runs is runtime/embedded/host.h's; starting runs and reading them is
// runtime/client's. What is here is flags and printing: live progress, tables, a run's history.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "activities/builtin_activities.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/json_argument.h"
#include "cmd/weft/output.h"
#include "runtime/client/embedded_client.h"
#include "runtime/embedded/host.h"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The flags every embedded command shares.
struct EngineFlags {
  std::string journal = ".weft/journal.db";
  std::string workflows = "workflows";
  std::vector<std::string> plugins;
  std::string lua_dir;

  void AddJournal(CLI::App& command) {
    command.add_option("--journal", journal, "The embedded engine's journal (SQLite)")
        ->envname("WEFT_JOURNAL")
        ->capture_default_str();
  }
  void AddEngine(CLI::App& command) {
    AddJournal(command);
    command.add_option("--workflows", workflows, "Folder of workflow definitions")
        ->envname("WEFT_WORKFLOWS")
        ->capture_default_str();
    command.add_option("--plugin", plugins, "Load an activity plugin (a .so); repeatable");
    command
        .add_option("--lua-dir", lua_dir,
                    "Directory of Lua activity modules (default: ./activities if present)")
        ->envname("WEFT_LUA_DIR");
  }
  // The arguments that give a background `weft resume` the same engine.
  std::vector<std::string> EngineArguments() const {
    std::vector<std::string> args{"--journal", fs::absolute(journal).string(), "--workflows",
                                  fs::absolute(workflows).string()};
    for (const auto& plugin : plugins) {
      args.push_back("--plugin");
      args.push_back(fs::absolute(plugin).string());
    }
    if (!lua_dir.empty()) {
      args.push_back("--lua-dir");
      args.push_back(fs::absolute(lua_dir).string());
    }
    return args;
  }
};

// ---- progress ----

std::string Seconds(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms) / 1000.0);
  return text;
}

// Live progress on a terminal (one line rewritten in place, a line kept per finished step);
// plain log lines otherwise.
class ProgressPrinter {
 public:
  ProgressPrinter() : tty_(::isatty(STDERR_FILENO) != 0) {}

  void operator()(const embedded::ProgressEvent& e) {
    using Kind = embedded::ProgressEvent::Kind;
    std::lock_guard lock(mutex_);
    const std::string step = e.step_path + " " + e.activity_type;
    switch (e.kind) {
      case Kind::kRunStarted:
        Line("run " + e.run_id + " (" + e.workflow_id + ") started", true);
        break;
      case Kind::kActivityStarted:
        Line("… " + step + " attempt " + std::to_string(e.attempt), false);
        break;
      case Kind::kActivityCompleted:
        Line("✓ " + step + (e.attempt > 1 ? " attempt " + std::to_string(e.attempt) : "") + " " +
                 Seconds(e.elapsed_ms),
             true);
        break;
      case Kind::kActivityRetrying:
        Line("↻ " + step + " attempt " + std::to_string(e.attempt) + " failed after " +
                 Seconds(e.elapsed_ms) + ": " + e.message + "; retrying",
             true);
        break;
      case Kind::kActivityFailed:
        Line("✗ " + step + " attempt " + std::to_string(e.attempt) + " failed: " + e.message, true);
        break;
      case Kind::kTimerStarted:
        Line("⏲ waiting " + Seconds(e.elapsed_ms) + " (durable timer)", true);
        break;
      case Kind::kRunClosed:
        Line("run " + e.run_id + " " + e.message + " after " + Seconds(e.elapsed_ms), true);
        break;
    }
  }

  void Finish() {
    std::lock_guard lock(mutex_);
    if (tty_ && transient_) std::cerr << "\r\033[K" << std::flush;
    transient_ = false;
  }

 private:
  void Line(const std::string& text, bool keep) {
    if (!tty_) {
      std::cerr << text << "\n";
      return;
    }
    std::cerr << "\r\033[K" << text;
    if (keep) std::cerr << "\n";
    transient_ = !keep;
    std::cerr << std::flush;
  }

  bool tty_;
  bool transient_ = false;
  std::mutex mutex_;
};

// ---- the engine in this process ----

embedded::Host MakeHost(const EngineFlags& flags, ProgressPrinter& progress) {
  return embedded::Host(
      {.journal = flags.journal,
       .workflows = flags.workflows,
       .make_registry =
           [&flags]() -> std::expected<std::unique_ptr<activity::ActivityRegistry>, std::string> {
         auto registry = std::make_unique<activity::ActivityRegistry>();
         const auto options = activities::ProjectRegistryOptions(flags.plugins, flags.lua_dir);
         if (auto done = activities::RegisterAll(options, *registry); !done) {
           return std::unexpected(done.error().message);
         }
         return registry;
       },
       .on_progress = [&progress](const embedded::ProgressEvent& e) { progress(e); },
       .on_notice = [](const std::string& notice) { std::cerr << "weft: " << notice << "\n"; }});
}

// ---- commands ----

struct RunOptions {
  EngineFlags flags;
  std::string workflow;
  std::string input;
  std::string workflow_id;
  bool detach = false;
  bool new_run = false;
};

void RunWorkflow(const RunOptions& options) {
  client::EmbeddedClientOptions client_options{.journal = options.flags.journal,
                                               .workflows = options.flags.workflows};
  if (options.detach) {
    // A background `weft resume` with the same engine, unless an engine runs already.
    std::vector<std::string> arguments{"resume"};
    for (auto& arg : options.flags.EngineArguments()) arguments.push_back(std::move(arg));
    client_options.background_engine = embedded::BackgroundCommand{.arguments = arguments};
  }
  auto client = OrFail(client::EmbeddedClient::Open(std::move(client_options)));
  json input = json::object();
  if (!options.input.empty()) input = OrFail(ParseJsonArgument(options.input, "--input"), 2);
  // The same command again resumes the run it started (docs/engines.md).
  auto started = client->Start({.workflow = options.workflow,
                                .input = std::move(input),
                                .workflow_id = options.workflow_id,
                                .reuse_unfinished = !options.new_run});
  if (!started) {
    using Kind = client::ClientError::Kind;
    const Kind kind = started.error().kind;
    Fail(started.error(), kind == Kind::kNotFound || kind == Kind::kInvalidArgument ? 2 : 1);
  }
  const client::Execution& run = started->execution;
  if (started->reused) {
    std::cerr << "weft: resuming run " << run.run_id << " (" << run.workflow_id << ")\n";
  }
  if (options.detach) {
    std::cout << run.run_id << "\n" << std::flush;
    return;
  }
  ProgressPrinter progress;
  embedded::Host host = MakeHost(options.flags, progress);
  const embedded::RunRecord closed = OrFail(host.Drive(run.run_id));
  progress.Finish();
  PrintOutcome(OrFail(client->Result({closed.workflow_id, closed.run_id})));
}

void Resume(const EngineFlags& flags) {
  ProgressPrinter progress;
  embedded::Host host = MakeHost(flags, progress);
  OrFail(host.Resume());
  progress.Finish();
}

std::string Timestamp(std::int64_t ms) {
  if (ms == 0) return "-";
  const std::time_t seconds = ms / 1000;
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &parts);
  return text;
}

std::unique_ptr<client::EmbeddedClient> Open(const EngineFlags& flags) {
  return OrFail(client::EmbeddedClient::Open({.journal = flags.journal}));
}

struct ListOptions {
  EngineFlags flags;
  bool json = false;
  std::string workflow, status;
  std::int64_t limit = 50;
};

void List(const ListOptions& options) {
  client::ListFilter filter{.workflow = options.workflow, .limit = options.limit};
  for (int i = 0; i <= static_cast<int>(client::RunStatus::kContinuedAsNew); ++i) {
    if (const auto status = static_cast<client::RunStatus>(i);
        !options.status.empty() && client::RunStatusName(status) == options.status) {
      filter.status = status;
    }
  }
  const auto runs = OrFail(Open(options.flags)->List(filter));
  if (options.json) {
    json out = json::array();
    for (const auto& run : runs) out.push_back(run.details);
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("%-36s  %-28s  %-18s  %-16s  %s\n", "RUN ID", "WORKFLOW ID", "NAME", "STATUS",
              "STARTED (UTC)");
  for (const auto& run : runs) {
    std::printf("%-36s  %-28s  %-18s  %-16s  %s\n", run.execution.run_id.c_str(),
                run.execution.workflow_id.c_str(), run.workflow.c_str(),
                std::string(client::RunStatusName(run.status)).c_str(),
                Timestamp(run.created_ms).c_str());
  }
}

std::string Short(const json& value, std::size_t limit = 80) {
  std::string text = value.dump();
  if (text.size() > limit) text = text.substr(0, limit - 1) + "…";
  return text;
}

std::string DescribeJob(const json& job) {
  const std::string kind = job.value("job", "?");
  if (kind == "start_workflow") return "start " + Short(job.value("input", json()));
  if (kind == "resolve_activity") {
    std::string text =
        "activity " + std::to_string(job.value("seq", 0)) + " " + job.value("status", "");
    if (job.contains("result")) text += " " + Short(job["result"]);
    if (job.contains("failure")) text += ": " + job["failure"].value("message", "");
    return text;
  }
  if (kind == "fire_timer") return "timer " + std::to_string(job.value("seq", 0)) + " fired";
  if (kind == "signal") return "signal " + job.value("name", "") + " " + Short(job["payload"]);
  if (kind == "update") return "update " + job.value("name", "") + " " + Short(job["payload"]);
  if (kind == "cancel") return "cancellation requested";
  if (kind == "resolve_child_start") {
    return "child " + std::to_string(job.value("seq", 0)) +
           (job.value("started", false) ? " started" : " failed to start");
  }
  if (kind == "resolve_child") {
    return "child " + std::to_string(job.value("seq", 0)) + " " + job.value("status", "");
  }
  return Short(job);
}

std::string DescribeCommand(const json& command) {
  const std::string kind = command.value("command", "?");
  if (kind == "schedule_activity") {
    return "schedule " + command.value("activity_type", "") + " (" +
           command.value("step_path", "") + ", seq " + std::to_string(command.value("seq", 0)) +
           ")";
  }
  if (kind == "start_timer") {
    return "timer " + Seconds(command.value("duration_ms", std::int64_t{0}));
  }
  if (kind == "record_marker") return "marker " + command.value("name", "");
  if (kind == "complete_workflow") return "complete " + Short(command["result"]);
  if (kind == "fail_workflow") return "fail: " + command["failure"].value("message", "");
  if (kind == "start_child_workflow") return "start child " + command.value("workflow_type", "");
  if (kind == "continue_as_new") return "continue as new " + Short(command["input"]);
  return kind;
}

void Show(const EngineFlags& flags, const std::string& id, bool as_json) {
  const json run = OrFail(Open(flags)->Describe({.workflow_id = id})).details;
  if (as_json) {
    std::cout << run.dump(2) << "\n";
    return;
  }
  std::cout << "run       " << run["run_id"].get<std::string>() << "\nworkflow  "
            << run["workflow_id"].get<std::string>() << "\nname      "
            << run["name"].get<std::string>() << " v" << run.value("version", 0) << " (sha256 "
            << run.value("sha256", "").substr(0, 12) << ")\nstatus    "
            << run["status"].get<std::string>() << "\nstarted   "
            << Timestamp(run.value("created_ms", std::int64_t{0})) << " UTC\n";
  if (const auto closed = run.value("closed_ms", std::int64_t{0}); closed != 0) {
    std::cout << "closed    " << Timestamp(closed) << " UTC\n";
  }
  if (run.contains("continued_from"))
    std::cout << "continues " << run["continued_from"].get<std::string>() << "\n";
  if (run.contains("continued_to"))
    std::cout << "continued " << run["continued_to"].get<std::string>() << "\n";
  std::cout << "\nhistory\n";
  for (const auto& a : run["activations"]) {
    std::string jobs, commands;
    for (const auto& job : a["jobs"]) jobs += (jobs.empty() ? "" : "; ") + DescribeJob(job);
    for (const auto& command : a["commands"]) {
      commands += (commands.empty() ? "" : "; ") + DescribeCommand(command);
    }
    std::cout << "  #" << a["seq"] << "  " << Timestamp(a.value("time_ms", std::int64_t{0})) << "  "
              << jobs << "\n";
    if (!commands.empty()) std::cout << "        → " << commands << "\n";
  }
  if (!run["waiting_on"].empty()) {
    std::cout << "\nwaiting on\n";
    for (const auto& o : run["waiting_on"]) {
      std::cout << "  " << o["kind"].get<std::string>() << " " << o["seq"];
      if (o["kind"] == "activity") std::cout << " attempt " << o["attempt"];
      if (const auto due = o.value("due_ms", std::int64_t{0}); due != 0) {
        std::cout << " due " << Timestamp(due) << " UTC";
      }
      std::cout << "\n";
    }
  }
  if (run.contains("result")) std::cout << "\nresult\n" << run["result"].dump(2) << "\n";
  if (run.contains("failure")) std::cout << "\nfailure\n" << run["failure"].dump(2) << "\n";
}

}  // namespace

void AddRunCommands(CLI::App& app) {
  {
    auto options = std::make_shared<RunOptions>();
    auto* command = app.add_subcommand(
        "run", "Run a workflow on the embedded engine: progress on stderr, the result on stdout");
    command->add_option("workflow", options->workflow, "A definition's name, or a file")
        ->required();
    command->add_option("--input,-i", options->input, "Input as JSON, @file or @- for stdin");
    command->add_option("--id,-w", options->workflow_id, "Workflow id (default: <name>-<8 hex>)");
    command->add_flag("--detach,-d", options->detach,
                      "Print the run id at once; a background engine runs it");
    command->add_flag("--new", options->new_run,
                      "Start a new run even if one with the same input is unfinished");
    options->flags.AddEngine(*command);
    command->callback([options] { RunWorkflow(*options); });
  }
  {
    auto flags = std::make_shared<EngineFlags>();
    auto* command =
        app.add_subcommand("resume", "Continue every unfinished run of the journal until done");
    flags->AddEngine(*command);
    command->callback([flags] { Resume(*flags); });
  }
  {
    auto options = std::make_shared<ListOptions>();
    auto* command = app.add_subcommand("list", "List the embedded engine's runs, newest first");
    options->flags.AddJournal(*command);
    command->add_flag("--json", options->json, "One JSON array, for machines");
    command->add_option("--limit,-n", options->limit, "How many")->capture_default_str();
    command->add_option("--workflow", options->workflow, "Only the runs of this definition");
    command->add_option("--status", options->status, "Only the runs in this status")
        ->check(CLI::IsMember({"pending", "running", "completed", "failed", "cancelled",
                               "terminated", "timed_out", "continued_as_new"}));
    command->callback([options] { List(*options); });
  }
  {
    auto flags = std::make_shared<EngineFlags>();
    auto as_json = std::make_shared<bool>(false);
    auto id = std::make_shared<std::string>();
    auto* command = app.add_subcommand("show", "Show a run of the embedded engine: its history");
    flags->AddJournal(*command);
    command->add_option("run", *id, "Run id or workflow id")->required();
    command->add_flag("--json", *as_json, "As JSON");
    command->callback([flags, as_json, id] { Show(*flags, *id, *as_json); });
  }
}

}  // namespace weft::cli
