// RunInForeground, ResumeInForeground and RunServeService: `weft run`, `weft resume` and `weft
// serve` as functions, the embedded engine executed by the calling process (embedded/host.h has
// the lease policy). RunInForeground starts a run through EmbeddedClient (the same request again
// gives back the unfinished run it started, and says so), executes it until it closes, or
// watches the process that holds the journal execute it, and returns how it ended.
// StartDetached, `weft run --detach`, starts it alike and leaves it to an engine in the
// background.
// ResumeInForeground executes every unfinished run of the journal until none is open. Both
// report progress as ProgressLines and say why they wait in notices. RunServeService executes
// the journal until a stop signal. BackgroundResume() is the command line of the same engine in
// another process, DetachedClientOptions() a client that starts it, DetachedConnectOptions() the
// same on either engine.
// The activity registry is built by the project's rule (activities::ProjectRegistryOptions), once,
// when this process takes the lease.
//
// Blocks the calling thread. Callbacks run on the engine's thread (progress) or the caller's
// (notices); they must not call back into the run.
#ifndef WEFT_RUNTIME_CLIENT_FOREGROUND_RUN_H_
#define WEFT_RUNTIME_CLIENT_FOREGROUND_RUN_H_

#include <chrono>
#include <expected>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runtime/client/connect_client.h"
#include "runtime/client/embedded_client.h"
#include "runtime/client/progress_line.h"
#include "runtime/client/workflow_client.h"
#include "runtime/embedded/host.h"

namespace weft::client {

struct ForegroundOptions {
  std::filesystem::path journal = ".weft/journal.db";
  std::filesystem::path workflows = "workflows";
  std::vector<std::string> plugins;  // --plugin
  std::string lua_dir;               // --lua-dir; empty: ./activities when it exists
  std::function<void(const ProgressLine&)> on_progress;
  std::function<void(const std::string&)> on_notice;
  std::chrono::milliseconds poll{100};  // how often a process without the lease looks
  // ResumeInForeground: how long to keep the lease once no run is open (embedded::HostOptions).
  std::chrono::milliseconds linger{0};
};

// How long the background engine keeps the lease once no run is open: the runs of a burst of
// `weft run --detach` that pauses for a moment are served by the same engine.
inline constexpr std::chrono::milliseconds kBackgroundLinger{2000};

// kNotFound or kInvalidArgument when the request names no loadable definition or its input is
// refused (nothing was started); other kinds when the journal or the engine fails.
std::expected<Outcome, ClientError> RunInForeground(const StartRequest& request,
                                                    const ForegroundOptions& options);

// Starts the run as RunInForeground does, errors and notice included, through
// DetachedClientOptions(options): a background `weft resume` executes it unless an engine runs
// already. Returns at once.
std::expected<Execution, ClientError> StartDetached(const StartRequest& request,
                                                    const ForegroundOptions& options);

// False, after a notice, when another process holds the lease: that process executes the runs.
std::expected<bool, ClientError> ResumeInForeground(const ForegroundOptions& options);

struct ServeServiceOptions {
  ForegroundOptions engine;                // its notices are logged
  std::chrono::milliseconds rescan{1000};  // how often the workflows folder is read again
  std::string metrics_address;             // host:port of the operations endpoint; empty: none
};

// `weft serve`: this process is the journal's engine, firing the folder's schedules
// (embedded::Host::Serve), for the lifetime of a long-running command
// (runtime/service/run_service.h: until SIGINT or SIGTERM), with the metrics of its runs and the
// operations endpoint (/readyz is ready while this process executes the journal). Notices are
// logged (spdlog). Call it on the main thread before any other thread starts; blocks until the
// engine stopped. The error is the engine's or the endpoint's.
std::expected<void, std::string> RunServeService(ServeServiceOptions options);

// ResumeInForeground with these options in a process of its own: this binary's `weft resume`
// with the same journal, workflows, plugins and Lua folder, made absolute, lingering
// kBackgroundLinger, for a process that starts runs and returns (`weft run --detach`,
// `weft mcp`; embedded/host.h starts it), and for a `weft run` that hands over the runs other
// processes started while it held the lease.
embedded::BackgroundCommand BackgroundResume(const ForegroundOptions& options);

// A client of the journal for a process that starts runs and leaves them to an engine (`weft
// run --detach`, `weft ui`, `weft mcp`): its Start() starts BackgroundResume(options) when no
// process holds the lease.
EmbeddedClientOptions DetachedClientOptions(const ForegroundOptions& options);

// What ConnectClient() takes for such a process on either engine (`weft ui`, `weft mcp`): the
// Temporal server at `temporal`'s address; without one, DetachedClientOptions(engine) with the
// journal made absolute.
ClientOptions DetachedConnectOptions(const temporal::ConnectionOptions& temporal,
                                     ForegroundOptions engine);

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_FOREGROUND_RUN_H_
