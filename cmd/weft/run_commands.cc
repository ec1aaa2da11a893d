// The embedded engine's commands: run, resume, list, show, and the embedded side of signal,
// query, update, cancel, terminate and result (client_commands.cc calls it when no Temporal
// address is given). How processes share a journal is runtime/embedded/journal_lease.h's
// rule: the process holding the lease executes runs; every other process writes to the
// journal's inbox and reads the journal.
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "activities/builtin_activities.h"
#include "cmd/weft/commands.h"
#include "cmd/weft/json_argument.h"
#include "dsl/definition_catalog.h"
#include "dsl/input_check.h"
#include "dsl/loader.h"
#include "runtime/embedded/engine.h"
#include "runtime/embedded/journal_client.h"
#include "runtime/embedded/journal_lease.h"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;
using embedded::RunRecord;
using embedded::RunStatus;
using nlohmann::json;

[[noreturn]] void Fail(const std::string& message, int exit_code = 1) {
  std::cerr << "weft: " << message << "\n";
  throw CLI::RuntimeError(exit_code);
}

template <typename T>
T OrFail(std::expected<T, std::string> value, int exit_code = 1) {
  if (!value) Fail(value.error(), exit_code);
  return std::move(*value);
}

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

// ---- definitions ----

// The newest version of `name` (or exactly `version`) among the folder's files
// (dsl::DefinitionCatalog: a file that does not load keeps no definition here; `weft validate`
// reports it). Rescanned on each look-up, so a child started later sees the folder as it is.
std::shared_ptr<const dsl::Definition> FindInFolder(const fs::path& folder, std::string_view name,
                                                    std::optional<std::int64_t> version = {}) {
  static std::mutex mutex;
  static std::map<fs::path, std::shared_ptr<dsl::DefinitionCatalog>> catalogs;
  std::shared_ptr<dsl::DefinitionCatalog> catalog;
  {
    std::lock_guard lock(mutex);
    auto& slot = catalogs[fs::absolute(folder)];
    if (!slot) slot = std::make_shared<dsl::DefinitionCatalog>(folder);
    catalog = slot;
  }
  catalog->Rescan();
  return version ? catalog->Find(name, *version) : catalog->Find(name);
}

std::shared_ptr<const dsl::Definition> LoadNamedOrFile(const std::string& what,
                                                       const std::string& folder) {
  const bool looks_like_path =
      what.find('/') != std::string::npos || what.ends_with(".yaml") || what.ends_with(".yml");
  if (looks_like_path || fs::is_regular_file(what)) {
    auto loaded = dsl::LoadDefinitionFile(what);
    if (!loaded) {
      std::string text;
      for (const auto& diagnostic : loaded.error())
        text += "\n  " + dsl::FormatDiagnostic(diagnostic);
      Fail(what + " does not load:" + text, 2);
    }
    return *loaded;
  }
  auto found = FindInFolder(folder, what);
  if (!found) {
    Fail("no workflow named \"" + what + "\" in " + folder +
             "/ (give a file path, or --workflows DIR; `weft validate " + folder +
             "` shows files that do not load)",
         2);
  }
  return found;
}

// ---- activities ----

std::unique_ptr<activity::ActivityRegistry> BuildRegistry(const EngineFlags& flags) {
  const activities::RegistryOptions options =
      activities::ProjectRegistryOptions(flags.plugins, flags.lua_dir);
  auto registry = std::make_unique<activity::ActivityRegistry>();
  if (auto done = activities::RegisterAll(options, *registry); !done) {
    Fail("activities: " + done.error().message);
  }
  return registry;
}

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

// ---- printing outcomes ----

// Completed: the result on stdout. Otherwise the failure as JSON on stdout, exit code 1.
void PrintOutcome(RunStatus status, const json& result, const json& failure,
                  const std::string& run_id) {
  if (status == RunStatus::kCompleted) {
    std::cout << result.dump(2) << "\n";
    return;
  }
  std::cout << failure.dump(2) << "\n";
  std::string message = "run " + run_id + " " + std::string(embedded::RunStatusName(status));
  if (failure.is_object() && failure.contains("message")) {
    message += ": " + failure["message"].get<std::string>();
  }
  Fail(message);
}

// ---- the engine in this process ----

std::unique_ptr<embedded::Engine> OpenEngine(const EngineFlags& flags,
                                             const activity::ActivityRegistry& registry,
                                             ProgressPrinter* progress) {
  embedded::EngineOptions options;
  options.journal_path = flags.journal;
  options.registry = &registry;
  options.find_definition = [folder = flags.workflows](std::string_view name,
                                                       std::optional<std::int64_t> version) {
    return FindInFolder(folder, name, version);
  };
  if (progress != nullptr) {
    options.on_progress = [progress](const embedded::ProgressEvent& e) { (*progress)(e); };
  }
  return OrFail(embedded::Engine::Open(std::move(options)));
}

// Starts `weft resume` in the background, detached from this terminal, its log in
// <journal folder>/engine.log.
void SpawnBackgroundEngine(const EngineFlags& flags) {
  std::vector<std::string> args{"weft", "resume"};
  for (auto& arg : flags.EngineArguments()) args.push_back(std::move(arg));
  const fs::path log = fs::absolute(flags.journal).parent_path() / "engine.log";
  const pid_t child = ::fork();
  if (child < 0) Fail("cannot start a background engine: fork failed");
  if (child == 0) {
    // The first child starts the engine in a new session and exits, so that the engine is
    // nobody's zombie and no terminal's job.
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    if (log_fd >= 0) {
      ::dup2(log_fd, STDOUT_FILENO);
      ::dup2(log_fd, STDERR_FILENO);
    }
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
}

// Waits for `run_id` (and what it continued as) to close, executing runs whenever this
// process holds the lease, watching the journal while another process does.
RunRecord Drive(const EngineFlags& flags, const std::string& run_id) {
  ProgressPrinter progress;
  std::unique_ptr<activity::ActivityRegistry> registry;
  auto client = OrFail(embedded::JournalClient::Open(flags.journal));
  bool announced_waiting = false;
  while (true) {
    auto lease = OrFail(embedded::JournalLease::TryAcquire(flags.journal));
    if (lease) {
      if (!registry) registry = BuildRegistry(flags);
      auto engine = OpenEngine(flags, *registry, &progress);
      std::optional<embedded::RunOutcome> outcome;
      while (!outcome) outcome = engine->WaitForRun(run_id, std::chrono::hours(1));
      engine->Stop();
      progress.Finish();
      return OrFail(client.Latest(run_id));
    }
    if (!announced_waiting) {
      std::cerr << "weft: another process (pid " << embedded::JournalLease::HolderPid(flags.journal)
                << ") runs this journal's runs; waiting for it to run " << run_id << "\n";
      announced_waiting = true;
    }
    RunRecord latest = OrFail(client.Latest(run_id));
    if (embedded::IsClosed(latest.status)) return latest;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
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
  auto definition = LoadNamedOrFile(options.workflow, options.flags.workflows);
  json input = json::object();
  if (!options.input.empty()) {
    auto parsed = ParseJsonArgument(options.input, "--input");
    if (!parsed) Fail(parsed.error(), 2);
    input = std::move(*parsed);
  }
  if (auto checked = dsl::CheckInput(definition->input_schema, input); !checked) {
    Fail(definition->name + ": " + dsl::DescribeInputErrors(checked.error()), 2);
  }
  auto client = OrFail(embedded::JournalClient::Open(options.flags.journal));
  std::optional<RunRecord> run;
  if (!options.new_run && options.workflow_id.empty()) {
    // The same command again resumes the run it started (product.md §2, journey 1).
    run = OrFail(client.FindUnfinished(definition->name, input));
    if (run) std::cerr << "weft: resuming run " << run->run_id << " (" << run->workflow_id << ")\n";
  }
  if (!run) run = OrFail(client.CreateRun(*definition, input, options.workflow_id));
  if (options.detach) {
    std::cout << run->run_id << "\n" << std::flush;
    if (!embedded::JournalLease::IsHeld(options.flags.journal)) {
      SpawnBackgroundEngine(options.flags);
      // Return once the engine holds the lease, so that a `weft query` right after finds it.
      for (int i = 0; i < 500 && !embedded::JournalLease::IsHeld(options.flags.journal); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    return;
  }
  RunRecord closed = Drive(options.flags, run->run_id);
  PrintOutcome(closed.status, closed.result, closed.failure, closed.run_id);
}

void Resume(const EngineFlags& flags) {
  std::unique_ptr<activity::ActivityRegistry> registry;
  ProgressPrinter progress;
  while (true) {
    std::size_t started_with = 0;
    {
      auto lease = OrFail(embedded::JournalLease::TryAcquire(flags.journal));
      if (!lease) {
        std::cerr << "weft: an engine (pid " << embedded::JournalLease::HolderPid(flags.journal)
                  << ") already runs this journal's runs\n";
        return;
      }
      if (!registry) registry = BuildRegistry(flags);
      auto engine = OpenEngine(flags, *registry, &progress);
      started_with = engine->OpenRuns();
      spdlog::info("engine: {} unfinished run(s) in {}", started_with, flags.journal);
      while (!engine->WaitUntilIdle(std::chrono::seconds(1))) {
      }
      engine->Stop();
    }
    // The lease is released. A run created meanwhile by a process that saw the lease held is
    // in the journal now: take the lease again for it rather than leave it waiting. (An engine
    // that found nothing to run stops here, whatever the journal says, rather than spin.)
    auto client = OrFail(embedded::JournalClient::Open(flags.journal));
    auto pending = OrFail(client.journal().PendingRunIds());
    if (pending.empty() || started_with == 0) break;
  }
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

json RunJson(const RunRecord& run) {
  json out = {{"run_id", run.run_id},
              {"workflow_id", run.workflow_id},
              {"name", run.name},
              {"version", run.pin.value("version", 0)},
              {"sha256", run.pin.value("sha256", "")},
              {"status", embedded::RunStatusName(run.status)},
              {"input", run.input},
              {"created_ms", run.created_ms},
              {"closed_ms", run.closed_ms}};
  if (!run.result.is_null()) out["result"] = run.result;
  if (!run.failure.is_null()) out["failure"] = run.failure;
  if (!run.parent_run_id.empty()) out["parent_run_id"] = run.parent_run_id;
  if (!run.continued_from.empty()) out["continued_from"] = run.continued_from;
  if (!run.continued_to.empty()) out["continued_to"] = run.continued_to;
  if (!run.search_attributes.empty()) out["search_attributes"] = run.search_attributes;
  if (!run.memo.empty()) out["memo"] = run.memo;
  return out;
}

void List(const EngineFlags& flags, bool as_json, std::int64_t limit) {
  auto client = OrFail(embedded::JournalClient::Open(flags.journal));
  auto runs = OrFail(client.journal().ListRuns(limit));
  if (as_json) {
    json out = json::array();
    for (const auto& run : runs) out.push_back(RunJson(run));
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("%-36s  %-28s  %-18s  %-16s  %s\n", "RUN ID", "WORKFLOW ID", "NAME", "STATUS",
              "STARTED (UTC)");
  for (const auto& run : runs) {
    std::printf("%-36s  %-28s  %-18s  %-16s  %s\n", run.run_id.c_str(), run.workflow_id.c_str(),
                run.name.c_str(), std::string(embedded::RunStatusName(run.status)).c_str(),
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
  auto client = OrFail(embedded::JournalClient::Open(flags.journal));
  RunRecord run = OrFail(client.Resolve(id));
  auto activations = OrFail(client.journal().Activations(run.run_id));
  auto operations = OrFail(client.journal().Operations(run.run_id));
  if (as_json) {
    json out = RunJson(run);
    out["activations"] = json::array();
    for (const auto& a : activations) {
      out["activations"].push_back(
          {{"seq", a.seq}, {"time_ms", a.now_ms}, {"jobs", a.jobs}, {"commands", a.commands}});
    }
    out["waiting_on"] = json::array();
    for (const auto& o : operations) {
      out["waiting_on"].push_back(
          {{"kind", o.kind}, {"seq", o.seq}, {"due_ms", o.due_ms}, {"attempt", o.attempt}});
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "run       " << run.run_id << "\nworkflow  " << run.workflow_id << "\nname      "
            << run.name << " v" << run.pin.value("version", 0) << " (sha256 "
            << run.pin.value("sha256", "").substr(0, 12) << ")\nstatus    "
            << embedded::RunStatusName(run.status) << "\nstarted   " << Timestamp(run.created_ms)
            << " UTC\n";
  if (run.closed_ms != 0) std::cout << "closed    " << Timestamp(run.closed_ms) << " UTC\n";
  if (!run.continued_from.empty()) std::cout << "continues " << run.continued_from << "\n";
  if (!run.continued_to.empty()) std::cout << "continued " << run.continued_to << "\n";
  std::cout << "\nhistory\n";
  for (const auto& a : activations) {
    std::string jobs, commands;
    for (const auto& job : a.jobs) jobs += (jobs.empty() ? "" : "; ") + DescribeJob(job);
    for (const auto& command : a.commands) {
      commands += (commands.empty() ? "" : "; ") + DescribeCommand(command);
    }
    std::cout << "  #" << a.seq << "  " << Timestamp(a.now_ms) << "  " << jobs << "\n";
    if (!commands.empty()) std::cout << "        → " << commands << "\n";
  }
  if (!operations.empty()) {
    std::cout << "\nwaiting on\n";
    for (const auto& o : operations) {
      std::cout << "  " << o.kind << " " << o.seq;
      if (o.kind == "activity") std::cout << " attempt " << o.attempt;
      if (o.due_ms != 0) std::cout << " due " << Timestamp(o.due_ms) << " UTC";
      std::cout << "\n";
    }
  }
  if (!run.result.is_null()) std::cout << "\nresult\n" << run.result.dump(2) << "\n";
  if (!run.failure.is_null()) std::cout << "\nfailure\n" << run.failure.dump(2) << "\n";
}

}  // namespace

void RunEmbeddedClientCommand(const std::string& kind, const std::string& journal,
                              const std::string& run_or_workflow_id, const std::string& name,
                              const std::string& input_text, const std::string& reason) {
  auto client = OrFail(embedded::JournalClient::Open(journal));
  RunRecord run = OrFail(client.Latest(OrFail(client.Resolve(run_or_workflow_id)).run_id));
  if (kind == "result") {
    while (!embedded::IsClosed(run.status)) {
      if (!embedded::JournalLease::IsHeld(journal)) {
        Fail("run " + run.run_id + " is " + std::string(embedded::RunStatusName(run.status)) +
             " and no engine is running it; start one with `weft resume`");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      run = OrFail(client.Latest(run.run_id));
    }
    PrintOutcome(run.status, run.result, run.failure, run.run_id);
    return;
  }
  if (embedded::IsClosed(run.status)) {
    Fail("run " + run.run_id + " is " + std::string(embedded::RunStatusName(run.status)));
  }
  json payload = nullptr;
  if (!input_text.empty()) {
    auto parsed = ParseJsonArgument(input_text, "--input");
    if (!parsed) Fail(parsed.error(), 2);
    payload = std::move(*parsed);
  }
  const std::string inbox_name = kind == "cancel" || kind == "terminate" ? reason : name;
  const std::int64_t id = OrFail(client.Send(run.run_id, kind, inbox_name, payload));
  const bool answer_expected = kind == "query" || kind == "update";
  if (!answer_expected && !embedded::JournalLease::IsHeld(journal)) {
    std::cerr << "weft: no engine is running; the " << kind << " is queued for run " << run.run_id
              << " and delivered when one resumes it (`weft resume`)\n";
    return;
  }
  auto reply = OrFail(client.AwaitReply(id, std::chrono::seconds(30)));
  if (!reply.ok) {
    std::cout << reply.value.dump(2) << "\n";
    Fail(kind + " " + name + " failed: " + reply.value.value("message", std::string("refused")));
  }
  if (answer_expected) std::cout << reply.value.dump(2) << "\n";
}

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
    auto flags = std::make_shared<EngineFlags>();
    auto as_json = std::make_shared<bool>(false);
    auto limit = std::make_shared<std::int64_t>(50);
    auto* command = app.add_subcommand("list", "List the embedded engine's runs, newest first");
    flags->AddJournal(*command);
    command->add_flag("--json", *as_json, "One JSON array, for machines");
    command->add_option("--limit,-n", *limit, "How many")->capture_default_str();
    command->callback([flags, as_json, limit] { List(*flags, *as_json, *limit); });
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
