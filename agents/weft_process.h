// WeftProcess: runs this weft binary's own subcommands as child processes, for the MCP tools
// whose CLI command already is the contract (validate --json, test --json, activities --json,
// start/signal/query/update/result on either engine). Going through the CLI keeps one
// implementation of each, gives the agent exactly what the command prints, and keeps a long or
// crashing command away from the server's own process.
//
// The child's stdin is /dev/null; stdout and stderr are captured. A child that outlives
// `timeout` gets SIGTERM, then SIGKILL. Output written by grandchildren after the child exits
// (a detached engine that kept the pipe) is not waited for.
//
// Thread-safe: each call owns its child.
#ifndef WEFT_CMD_WEFT_MCP_WEFT_PROCESS_H_
#define WEFT_CMD_WEFT_MCP_WEFT_PROCESS_H_

#include <chrono>
#include <string>
#include <vector>

namespace weft::cli::mcp {

struct ProcessOutput {
  int exit_code = -1;  // 128 + signal when killed; -1 when it could not start
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs `weft <arguments...>` (the binary of this process).
ProcessOutput RunWeft(const std::vector<std::string>& arguments, std::chrono::milliseconds timeout);

}  // namespace weft::cli::mcp

#endif  // WEFT_CMD_WEFT_MCP_WEFT_PROCESS_H_
