// WeftProcess: runs weft subcommands as child processes, for the MCP tools whose CLI command
// already is the contract (validate --json, test --json, activities --json). Going through the
// CLI gives the agent exactly what the command prints, and keeps a long or crashing command
// (a dry run, a Lua module or plugin being loaded) away from the server's own process.
//
// The child's stdin is /dev/null; stdout and stderr are captured. A child that outlives
// `timeout` gets SIGTERM, then SIGKILL. Output written by grandchildren after the child exits
// (a detached engine that kept the pipe) is not waited for.
//
// Thread-safe: each call owns its child.
#ifndef WEFT_AGENTS_WEFT_PROCESS_H_
#define WEFT_AGENTS_WEFT_PROCESS_H_

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace weft::agents {

struct ProcessOutput {
  int exit_code = -1;  // 128 + signal when killed; -1 when it could not start
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs `weft <arguments...>`, where `weft` is the binary's path (empty: this process's binary).
ProcessOutput RunWeft(const std::filesystem::path& weft, const std::vector<std::string>& arguments,
                      std::chrono::milliseconds timeout);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_WEFT_PROCESS_H_
