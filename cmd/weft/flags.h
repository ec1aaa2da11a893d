// The flags several commands share, registered in one place so that each reads the same in
// every command: where a Temporal server is (the Temporal CLI's names and environment
// variables, so that a shell set up for `temporal` is set up for weft), the payload keys, the
// embedded engine's journal, workflows folder and activities, the operations endpoint, a
// request's input and the task queue of new runs.
// Each binds to the options a library takes (runtime/temporal/connection_arguments.h,
// runtime/client/foreground_run.h); what the values mean is decided there.
#ifndef WEFT_CMD_WEFT_FLAGS_H_
#define WEFT_CMD_WEFT_FLAGS_H_

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/client/foreground_run.h"
#include "runtime/temporal/connection_arguments.h"

namespace weft::cli {

// --address (required unless `address_optional`: the client commands, which use the embedded
// engine without it), --namespace, --api-key, --tls*, and --codec-key-file.
void AddConnectionFlags(CLI::App& command, temporal::ConnectionArguments& arguments,
                        bool address_optional = false);
// --codec-key-file alone, for commands that need keys and no server.
void AddCodecKeyFlag(CLI::App& command, std::string& key_file);
// --plugin and --lua-dir (activities::ProjectRegistryOptions reads them).
void AddActivityFlags(CLI::App& command, std::vector<std::string>& plugins, std::string& lua_dir);
// --workflows: a folder of definitions, read from WEFT_WORKFLOWS when not given; `help` says
// what the command reads it for.
template <typename Folder>
CLI::Option* AddWorkflowsFlag(CLI::App& command, Folder& folder,
                              const std::string& help = "Folder of workflow definitions") {
  return command.add_option("--workflows", folder, help)
      ->envname("WEFT_WORKFLOWS")
      ->capture_default_str();
}
// --journal.
void AddJournalFlag(CLI::App& command, std::filesystem::path& journal);
// --journal, --workflows and the activity flags: the commands that execute runs.
void AddEngineFlags(CLI::App& command, client::ForegroundOptions& engine);
// --metrics-address of the long-running commands (runtime/service/run_service.h).
void AddMetricsFlag(CLI::App& command, std::string& address);

// --input,-i: JSON, @file or @- for stdin; `what` begins its help ("Input", "Argument").
void AddInputFlag(CLI::App& command, std::string& input, const std::string& what = "Input");
// The JSON of --input (client::ParseJsonArgument), `absent` when it was not given. One that does
// not parse is a usage error: its message on stderr and exit code 2.
nlohmann::json InputJson(const std::string& input, nlohmann::json absent = nullptr);

// --task-queue,-t of the commands that start runs on Temporal (the worker's is -q).
void AddTaskQueueFlag(CLI::App& command, std::string& task_queue,
                      const std::string& help = "Task queue");

// A duration given in seconds (a double: "0.5"), bound to the milliseconds an option takes;
// --help shows its default in seconds; refused outside [min, max] seconds.
CLI::Option* AddSecondsOption(CLI::App& command, const std::string& flag,
                              std::chrono::milliseconds& value, const std::string& help, double min,
                              double max);

// --rescan-seconds of the commands that serve a workflows folder (worker, serve).
void AddRescanFlag(CLI::App& command, std::chrono::milliseconds& interval);

// A number whose default --help shows, refused outside [min, max].
template <typename T>
CLI::Option* AddBoundedOption(CLI::App& command, const std::string& flag, T& value,
                              const std::string& help, T min, T max) {
  return command.add_option(flag, value, help)->capture_default_str()->check(CLI::Range(min, max));
}

}  // namespace weft::cli

#endif  // WEFT_CMD_WEFT_FLAGS_H_
