#include "runtime/embedded/host.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <thread>

#include "runtime/embedded/journal_client.h"
#include "runtime/embedded/journal_lease.h"

namespace weft::embedded {

namespace fs = std::filesystem;

Host::Host(HostOptions options) : options_(std::move(options)), catalog_(options_.workflows) {}

std::expected<std::unique_ptr<Engine>, std::string> Host::OpenEngine() {
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
  return Engine::Open(std::move(engine));
}

std::expected<RunRecord, std::string> Host::Drive(const std::string& run_id) {
  auto client = JournalClient::Open(options_.journal);
  if (!client) return std::unexpected(client.error());
  bool announced_waiting = false;
  while (true) {
    auto lease = JournalLease::TryAcquire(options_.journal);
    if (!lease) return std::unexpected(lease.error());
    if (*lease) {
      auto engine = OpenEngine();
      if (!engine) return std::unexpected(engine.error());
      std::optional<RunOutcome> outcome;
      while (!outcome) outcome = (*engine)->WaitForRun(run_id, std::chrono::hours(1));
      (*engine)->Stop();
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
    std::this_thread::sleep_for(options_.poll);
  }
}

std::expected<bool, std::string> Host::Resume() {
  while (true) {
    std::size_t started_with = 0;
    {
      auto lease = JournalLease::TryAcquire(options_.journal);
      if (!lease) return std::unexpected(lease.error());
      if (!*lease) {
        if (options_.on_notice) {
          options_.on_notice("an engine (pid " +
                             std::to_string(JournalLease::HolderPid(options_.journal)) +
                             ") already runs this journal's runs");
        }
        return false;
      }
      auto engine = OpenEngine();
      if (!engine) return std::unexpected(engine.error());
      started_with = (*engine)->OpenRuns();
      spdlog::info("engine: {} unfinished run(s) in {}", started_with, options_.journal.string());
      while (!(*engine)->WaitUntilIdle(std::chrono::seconds(1))) {
      }
      (*engine)->Stop();
    }
    // The lease is released. A run created meanwhile by a process that saw the lease held is
    // in the journal now: take the lease again for it rather than leave it waiting. (An engine
    // that found nothing to run stops here, whatever the journal says, rather than spin.)
    auto client = JournalClient::Open(options_.journal);
    if (!client) return std::unexpected(client.error());
    auto pending = client->journal().PendingRunIds();
    if (!pending) return std::unexpected(pending.error());
    if (pending->empty() || started_with == 0) return true;
  }
}

std::expected<void, std::string> SpawnDetached(const BackgroundCommand& command,
                                               const fs::path& log) {
  // Built before fork: the child may only make async-signal-safe calls.
  std::vector<std::string> args{command.program.filename().string()};
  args.insert(args.end(), command.arguments.begin(), command.arguments.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string program = command.program.string();
  const std::string log_path = log.string();
  const pid_t child = ::fork();
  if (child < 0) return std::unexpected("cannot start a background process: fork failed");
  if (child == 0) {
    // The first child starts the process in a new session and exits, so that the process is
    // nobody's zombie and no terminal's job.
    ::setsid();
    if (::fork() != 0) ::_exit(0);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    if (log_fd >= 0) {
      ::dup2(log_fd, STDOUT_FILENO);
      ::dup2(log_fd, STDERR_FILENO);
    }
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return {};
}

std::expected<void, std::string> StartBackgroundEngine(const fs::path& journal,
                                                       const BackgroundCommand& command,
                                                       std::chrono::milliseconds wait) {
  if (JournalLease::IsHeld(journal)) return {};
  auto spawned = SpawnDetached(command, fs::absolute(journal).parent_path() / "engine.log");
  if (!spawned) return spawned;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!JournalLease::IsHeld(journal) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return {};
}

}  // namespace weft::embedded
