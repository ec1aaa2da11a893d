// Host: the policy by which a process that is not a long-lived server gets a journal's runs
// executed (journal_lease.h: only the lease holder executes). Drive() waits until one run
// closes, executing every runnable run while this process holds the lease and watching the
// journal while another process does; Resume() executes the journal's unfinished runs until
// none is open, and hands over when another process already does. StartBackgroundEngine()
// starts a detached engine process (`weft resume`) for a caller that returns at once.
//
// No run is left without an engine, and no engine is started in vain: the background engine
// is started holding the lease its starter took (handed down, never let go in between), so of
// many clients that start one at once exactly one does; and a Drive() that stops while runs
// created by other processes meanwhile are still open (they saw the lease held and relied on
// it) hands the lease to a background engine in the same way, when it has a command for one.
//
// While this process executes runs, its engine listens at the journal's doorbell
// (journal_bell.h), so that clients in other processes reach it without polling; a Drive()
// that waits for another process's engine waits at that engine's bell, and polls the journal
// only when there is none.
//
// A Host owns the activity registry it builds the first time it takes the lease, and the
// catalog of the workflows folder that child workflows and continue-as-new look definitions up
// in. One thread at a time may call a Host; its callbacks run on the engine thread.
#ifndef WEFT_RUNTIME_EMBEDDED_HOST_H_
#define WEFT_RUNTIME_EMBEDDED_HOST_H_

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "dsl/definition_catalog.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/embedded/engine.h"
#include "runtime/embedded/journal.h"
#include "runtime/embedded/journal_bell.h"
#include "runtime/embedded/journal_lease.h"
#include "runtime/metrics/metrics_registry.h"

namespace weft::embedded {

// A process to run in the background: the program (an absolute path, or /proc/self/exe for
// this binary) and its arguments without argv[0].
struct BackgroundCommand {
  std::filesystem::path program = "/proc/self/exe";
  std::vector<std::string> arguments;
};

struct HostOptions {
  std::filesystem::path journal;
  std::filesystem::path workflows = "workflows";
  // Built when this process first takes the lease: loading plugins and Lua modules is a cost a
  // process that only watches another engine never pays.
  std::function<std::expected<std::unique_ptr<activity::ActivityRegistry>, std::string>()>
      make_registry;
  std::function<void(const ProgressEvent&)> on_progress;  // on the engine thread
  // Why a call waits, or returns without executing anything: another process holds the lease.
  std::function<void(const std::string&)> on_notice;
  // How often a process without the lease looks at the journal, or for the lease.
  std::chrono::milliseconds poll{100};
  // Resume(): how long to keep the lease after the last open run closed, for runs that other
  // processes start meanwhile (a background engine lingers, so that a burst of `run --detach`
  // is served by one engine rather than one per lull).
  std::chrono::milliseconds linger{0};
  // Drive(): the engine to hand the lease to when runs other processes created while this one
  // held it are still open as its own run closes; none: they wait for the next engine.
  std::optional<BackgroundCommand> hand_over_to;
};

// What Serve() needs beyond the host's options.
struct ServeOptions {
  // How often the workflows folder is read again (and schedules looked at, at the latest).
  std::chrono::milliseconds rescan{1000};
  // The Temporal SDKs' metrics of its runs and activities (namespace "embedded", task queue
  // "weft"), the folder's, and the schedules'. Null: none.
  std::shared_ptr<metrics::MetricsRegistry> metrics;
  // True once the engine executes the journal's runs; false again when it stops.
  std::function<void(bool)> on_ready;
};

class Host {
 public:
  explicit Host(HostOptions options);

  // Waits until `run_id` (and what it continued as) closes; returns the run that closed.
  std::expected<RunRecord, std::string> Drive(const std::string& run_id);

  // Executes the journal's unfinished runs until none is open. False, after a notice, when
  // another process holds the lease: that process executes them.
  std::expected<bool, std::string> Resume();

  // `weft serve`: executes the journal's runs until `stop` is requested, whether or not any is
  // open; waits first while another process holds the lease. Meanwhile it reads the workflows
  // folder again every `rescan` (new runs, children and continue-as-new get the newest
  // definitions; runs in flight keep theirs) and fires the schedules the newest definitions
  // declare (schedule_runner.h). On stop, what the engine has queued is journaled, attempts
  // in flight are abandoned (they run again on the next start: activities are at least once),
  // and the lease is released.
  std::expected<void, std::string> Serve(std::stop_token stop, const ServeOptions& options);

 private:
  // An engine and its doorbell, stopped in that order: clients hear the bell close while this
  // process still holds the lease, fall back to the journal and, once it lets go, to the
  // lease's hand-over.
  class BelledEngine {
   public:
    BelledEngine(std::unique_ptr<Engine> engine, std::unique_ptr<JournalBell> bell)
        : engine_(std::move(engine)), bell_(std::move(bell)) {}
    BelledEngine(BelledEngine&&) = default;
    BelledEngine& operator=(BelledEngine&&) = default;
    ~BelledEngine() { Stop(); }
    Engine* operator->() const { return engine_.get(); }
    void Stop() {
      bell_.reset();
      if (engine_) engine_->Stop();
    }

   private:
    std::unique_ptr<Engine> engine_;
    std::unique_ptr<JournalBell> bell_;  // null when another process listens, or none could
  };

  // `observe`, when set, hears every progress event too (after options_.on_progress).
  std::expected<BelledEngine, std::string> OpenEngine(
      std::function<void(const ProgressEvent&)> observe = {});
  // Engines on the held lease until no run is open for `linger`, and none is pending.
  std::expected<void, std::string> RunUntilQuiet();
  // Drive()'s end: hands `lease` to options_.hand_over_to when runs created since `opened_ms`
  // (by processes that relied on this one's engine) are still open.
  void HandOverIfOthersWait(Journal& journal, const JournalLease& lease, std::int64_t opened_ms);

  HostOptions options_;
  std::unique_ptr<activity::ActivityRegistry> registry_;
  dsl::DefinitionCatalog catalog_;
};

// Starts `command` detached from this process (a new session, stdin /dev/null, stdout and
// stderr appended to `log`), so that it is nobody's zombie and no terminal's job. Returns once
// it started (not once it finished). With a `lease`, the process inherits its descriptor
// (named in JournalLease::kInheritedDescriptor) and holds the lease from its first instant.
std::expected<void, std::string> SpawnDetached(const BackgroundCommand& command,
                                               const std::filesystem::path& log,
                                               const JournalLease* lease = nullptr);

// Unless a process holds the lease of `journal`, takes it and starts `command` (an engine)
// detached with the lease handed down, its log in <journal folder>/engine.log. Atomic among
// processes: of many callers at once, one starts an engine; the others find the lease held.
// When this returns, the lease is held, so a query sent next finds an engine.
std::expected<void, std::string> StartBackgroundEngine(const std::filesystem::path& journal,
                                                       const BackgroundCommand& command);

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_HOST_H_
