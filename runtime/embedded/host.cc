#include "runtime/embedded/host.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "runtime/embedded/bell_client.h"
#include "runtime/embedded/journal_client.h"
#include "runtime/embedded/journal_lease.h"
#include "runtime/embedded/schedule_runner.h"
#include "runtime/metrics/catalog_metrics.h"
#include "runtime/metrics/sdk_metrics.h"

extern char** environ;

namespace weft::embedded {

namespace fs = std::filesystem;

Host::Host(HostOptions options) : options_(std::move(options)), catalog_(options_.workflows) {}

std::expected<Host::BelledEngine, std::string> Host::OpenEngine(
    std::function<void(const ProgressEvent&)> observe) {
  if (!registry_) {
    if (!options_.make_registry) {
      registry_ = std::make_unique<activity::ActivityRegistry>();
    } else {
      auto registry = options_.make_registry();
      if (!registry) return std::unexpected("activities: " + registry.error());
      registry_ = std::move(*registry);
    }
  }
  EngineOptions engine;
  engine.journal_path = options_.journal;
  engine.registry = registry_.get();
  // Rescanned on each look-up, so that a child started later sees the folder as it is then.
  engine.find_definition = [this](std::string_view name, std::optional<std::int64_t> version) {
    catalog_.Rescan();
    return version ? catalog_.Find(name, *version) : catalog_.Find(name);
  };
  engine.on_progress = options_.on_progress;
  if (observe) {
    engine.on_progress = [first = options_.on_progress,
                          observe = std::move(observe)](const ProgressEvent& event) {
      if (first) first(event);
      observe(event);
    };
  }
  auto opened = Engine::Open(std::move(engine));
  if (!opened) return std::unexpected(opened.error());
  auto bell = JournalBell::Listen(options_.journal, **opened);
  if (!bell) {
    // Clients poll the journal then, as they did before there was a bell.
    spdlog::warn("engine: no doorbell ({}); clients will poll the journal", bell.error());
    return BelledEngine(std::move(*opened), nullptr);
  }
  return BelledEngine(std::move(*opened), std::move(*bell));
}

namespace {

std::int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The longest a Drive() waits at another engine's bell before it looks at the lease again.
constexpr std::chrono::seconds kBellWait{10};

fs::path EngineLog(const fs::path& journal) {
  return fs::absolute(journal).parent_path() / "engine.log";
}

}  // namespace

std::expected<RunRecord, std::string> Host::Drive(const std::string& run_id) {
  auto client = JournalClient::Open(options_.journal);
  if (!client) return std::unexpected(client.error());
  bool announced_waiting = false;
  while (true) {
    auto lease = JournalLease::TryAcquire(options_.journal);
    if (!lease) return std::unexpected(lease.error());
    if (*lease) {
      const std::int64_t opened_ms = WallMs();
      {
        auto engine = OpenEngine();
        if (!engine) return std::unexpected(engine.error());
        std::optional<RunOutcome> outcome;
        while (!outcome) {
          outcome = (*engine)->WaitForRun(run_id, std::chrono::hours(1));
          if (auto failed = (*engine)->Failure()) {
            engine->Stop();
            return std::unexpected(*failed);
          }
        }
        engine->Stop();
      }
      HandOverIfOthersWait(client->journal(), **lease, opened_ms);
      return client->Latest(run_id);
    }
    if (!announced_waiting && options_.on_notice) {
      options_.on_notice("another process (pid " +
                         std::to_string(JournalLease::HolderPid(options_.journal)) +
                         ") runs this journal's runs; waiting for it to run " + run_id);
    }
    announced_waiting = true;
    auto latest = client->Latest(run_id);
    if (!latest || IsClosed(latest->status)) return latest;
    // Woken by the engine when the run closes. Bounded, so that the lease is looked at again
    // now and then; without a bell (no engine, or an older one), the journal is polled.
    switch (bell::AwaitRun(options_.journal, latest->run_id, kBellWait)) {
      case bell::Answer::kClosed:
      case bell::Answer::kTimedOut:
        break;
      case bell::Answer::kNoBell:
        std::this_thread::sleep_for(options_.poll);
        break;
    }
  }
}

void Host::HandOverIfOthersWait(Journal& journal, const JournalLease& lease,
                                std::int64_t opened_ms) {
  if (!options_.hand_over_to) return;
  auto unfinished = journal.UnfinishedRuns();
  if (!unfinished) {
    spdlog::warn("journal: {}", unfinished.error());
    return;
  }
  // Runs that were already open when this engine took the lease are not its charge: their
  // starters either wait for them (and take the lease themselves) or left them, as before.
  const bool others_wait =
      std::any_of(unfinished->begin(), unfinished->end(),
                  [&](const RunRecord& run) { return run.created_ms >= opened_ms; });
  if (!others_wait) return;
  if (auto spawned = SpawnDetached(*options_.hand_over_to, EngineLog(options_.journal), &lease);
      !spawned) {
    spdlog::warn("could not hand the journal's runs to a background engine: {}", spawned.error());
    return;
  }
  if (options_.on_notice) {
    options_.on_notice("runs started meanwhile by other processes go on in a background engine");
  }
}

std::expected<void, std::string> Host::RunUntilQuiet() {
  std::size_t started_with = 0;
  do {
    auto engine = OpenEngine();
    if (!engine) return std::unexpected(engine.error());
    started_with = (*engine)->OpenRuns();
    spdlog::info("engine: {} unfinished run(s) in {}", started_with, options_.journal.string());
    auto quiet_since = std::chrono::steady_clock::now();
    while (true) {
      if (auto failed = (*engine)->Failure()) {
        engine->Stop();
        return std::unexpected(*failed);
      }
      if ((*engine)->OpenRuns() > 0) {
        (void)(*engine)->WaitUntilIdle(std::chrono::seconds(1));
        quiet_since = std::chrono::steady_clock::now();
        continue;
      }
      if (std::chrono::steady_clock::now() - quiet_since >= options_.linger) break;
      std::this_thread::sleep_for(options_.poll);
    }
    engine->Stop();
    // Still holding the lease: a run created by a process that saw it held is in the journal
    // now. (An engine that found nothing to run stops, whatever the journal says, rather than
    // spin on a run it cannot load.)
    auto client = JournalClient::Open(options_.journal);
    if (!client) return std::unexpected(client.error());
    auto pending = client->journal().PendingRunIds();
    if (!pending) return std::unexpected(pending.error());
    if (pending->empty()) return {};
  } while (started_with > 0);
  return {};
}

std::expected<bool, std::string> Host::Resume() {
  bool ran = false;
  while (true) {
    {
      auto lease = JournalLease::TryAcquire(options_.journal);
      if (!lease) return std::unexpected(lease.error());
      if (!*lease) {
        // Another engine took over after this one let go: it runs what is left.
        if (ran) return true;
        if (options_.on_notice) {
          options_.on_notice("an engine (pid " +
                             std::to_string(JournalLease::HolderPid(options_.journal)) +
                             ") already runs this journal's runs");
        }
        return false;
      }
      // One line per engine process and lease taken: how tests count the engines started.
      spdlog::info("engine (pid {}) holds the lease of {}", ::getpid(), options_.journal.string());
      if (auto done = RunUntilQuiet(); !done) return std::unexpected(done.error());
      ran = true;
    }
    // The lease is released. A run created between the last look and the release, by a
    // process that saw the lease held, would wait for nobody: take the lease again for it.
    auto client = JournalClient::Open(options_.journal);
    if (!client) return std::unexpected(client.error());
    auto pending = client->journal().PendingRunIds();
    if (!pending) return std::unexpected(pending.error());
    if (pending->empty()) return true;
  }
}

namespace {

// The engine's progress as the Temporal SDKs' metrics (sdk_metrics.h) count a worker's.
void RecordProgress(metrics::SdkMetrics& sdk, const ProgressEvent& event) {
  using Millis = metrics::SdkMetrics::Millis;
  switch (event.kind) {
    case ProgressEvent::Kind::kActivityCompleted:
    case ProgressEvent::Kind::kActivityFailed:
    case ProgressEvent::Kind::kActivityRetrying:
      sdk.ActivityExecuted(event.activity_type, event.workflow_type, Millis(event.elapsed_ms),
                           event.kind != ProgressEvent::Kind::kActivityCompleted);
      return;
    case ProgressEvent::Kind::kRunClosed: {
      // Terminated runs are the server's to count on Temporal, where no worker sees them.
      std::optional<metrics::WorkflowClose> how;
      if (event.message == "completed") how = metrics::WorkflowClose::kCompleted;
      if (event.message == "failed" || event.message == "timed_out") {
        how = metrics::WorkflowClose::kFailed;
      }
      if (event.message == "cancelled") how = metrics::WorkflowClose::kCanceled;
      if (event.message == "continued_as_new") how = metrics::WorkflowClose::kContinuedAsNew;
      if (how) sdk.WorkflowClosed(*how, event.workflow_type, Millis(event.elapsed_ms));
      return;
    }
    default:
      return;
  }
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::expected<void, std::string> Host::Serve(std::stop_token stop, const ServeOptions& options) {
  std::mutex mutex;
  std::condition_variable_any wake;
  // Sleeps until `until` or a stop request; false when stopping.
  auto sleep_until = [&](std::chrono::steady_clock::time_point until) {
    std::unique_lock lock(mutex);
    wake.wait_until(lock, stop, until, [] { return false; });
    return !stop.stop_requested();
  };

  std::optional<JournalLease> lease;
  bool announced = false;
  while (!stop.stop_requested()) {
    auto taken = JournalLease::TryAcquire(options_.journal);
    if (!taken) return std::unexpected(taken.error());
    if (*taken) {
      lease = std::move(**taken);
      break;
    }
    if (!announced && options_.on_notice) {
      options_.on_notice("another engine (pid " +
                         std::to_string(JournalLease::HolderPid(options_.journal)) +
                         ") runs this journal's runs; serving once it stops");
    }
    announced = true;
    if (!sleep_until(std::chrono::steady_clock::now() + options_.poll)) return {};
  }
  if (!lease) return {};
  spdlog::info("engine (pid {}) holds the lease of {}", ::getpid(), options_.journal.string());

  std::optional<metrics::SdkMetrics> sdk;
  std::optional<metrics::CatalogMetrics> folder;
  if (options.metrics) {
    sdk.emplace(options.metrics, "embedded", "weft");
    folder.emplace(*options.metrics);
  }
  const auto first_scan = catalog_.Rescan();
  if (folder) folder->RecordScan(first_scan, catalog_.List().size(), /*first=*/true);
  auto engine = OpenEngine([&sdk](const ProgressEvent& event) {
    if (sdk) RecordProgress(*sdk, event);
  });
  if (!engine) return std::unexpected(engine.error());
  auto schedules = ScheduleRunner::Open(options_.journal);
  if (!schedules) return std::unexpected(schedules.error());
  // Ready first: whoever reads this line finds the service ready.
  if (options.on_ready) options.on_ready(true);
  spdlog::info("serving {} ({} workflows, {} open runs)", options_.journal.string(),
               catalog_.List().size(), (*engine)->OpenRuns());

  auto next_rescan = std::chrono::steady_clock::now() + options.rescan;
  while (!stop.stop_requested()) {
    if (auto failed = (*engine)->Failure()) {
      if (options.on_ready) options.on_ready(false);
      engine->Stop();
      return std::unexpected(*failed);
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_rescan) {
      auto scan = catalog_.Rescan();
      if (folder) folder->RecordScan(scan, catalog_.List().size(), /*first=*/false);
      next_rescan = now + options.rescan;
    }
    const std::int64_t now_ms = NowMs();
    const std::optional<std::int64_t> next_fire = schedules->Tick(catalog_.List(), now_ms);
    auto until = next_rescan;
    if (next_fire) {
      until = std::min(
          until, now + std::chrono::milliseconds(std::max<std::int64_t>(*next_fire - now_ms, 0)));
    }
    sleep_until(until);
  }
  if (options.on_ready) options.on_ready(false);
  engine->Stop();
  spdlog::info("engine stopped; {} open runs stay in the journal", (*engine)->OpenRuns());
  return {};
}

std::expected<void, std::string> SpawnDetached(const BackgroundCommand& command,
                                               const fs::path& log, const JournalLease* lease) {
  // Built before fork: the child may only make async-signal-safe calls.
  std::vector<std::string> args{command.program.filename().string()};
  args.insert(args.end(), command.arguments.begin(), command.arguments.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  // The environment, with the inherited lease's descriptor named (and an older name dropped).
  const std::string lease_variable = std::string(JournalLease::kInheritedDescriptor) + "=";
  const int lease_fd = lease != nullptr ? lease->descriptor() : -1;
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::string_view(*entry).starts_with(lease_variable)) continue;
    environment.emplace_back(*entry);
  }
  if (lease_fd >= 0) environment.push_back(lease_variable + std::to_string(lease_fd));
  std::vector<char*> envp;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const std::string program = command.program.string();
  const std::string log_path = log.string();
  const pid_t child = ::fork();
  if (child < 0) return std::unexpected("cannot start a background process: fork failed");
  if (child == 0) {
    // The first child starts the process in a new session and exits, so that the process is
    // nobody's zombie and no terminal's job.
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    if (log_fd >= 0) {
      ::dup2(log_fd, STDOUT_FILENO);
      ::dup2(log_fd, STDERR_FILENO);
    }
    // The lease's descriptor survives exec; the lock goes with it.
    if (lease_fd >= 0) ::fcntl(lease_fd, F_SETFD, 0);
    ::execve(program.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return {};
}

std::expected<void, std::string> StartBackgroundEngine(const fs::path& journal,
                                                       const BackgroundCommand& command) {
  // Taken here, not by the engine when it gets going: between this process seeing the lease
  // free and the engine holding it, another client would see it free too and start a second.
  auto lease = JournalLease::TryAcquire(journal);
  if (!lease) return std::unexpected(lease.error());
  if (!*lease) return {};  // an engine runs: it picks the run up from the journal
  return SpawnDetached(command, EngineLog(journal), &**lease);
  // This process's descriptor closes with `lease`; the engine's copy keeps the lock.
}

}  // namespace weft::embedded
