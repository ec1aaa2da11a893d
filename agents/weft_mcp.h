// ServeWeftMcp: `weft mcp` as a function: the MCP server (mcp_server.h) publishing WeftTools
// over a pair of streams, with the instructions an agent reads first, and a thread that rescans
// the workflows folder every `rescan_interval`, so that a file added or edited by anyone (the
// agent, an editor, `weft new`) becomes or changes a tool and the client hears
// notifications/tools/list_changed.
//
// It first enters the project folder, which becomes the process's working directory: the
// workflows, the activities and the journal are the project's. ProjectToolsOptions() says where
// the runs of the project in the current folder go.
//
// ServeWeftMcp blocks the calling thread until `in` ends and the calls in flight have answered.
#ifndef WEFT_AGENTS_WEFT_MCP_H_
#define WEFT_AGENTS_WEFT_MCP_H_

#include <chrono>
#include <expected>
#include <filesystem>
#include <istream>
#include <ostream>
#include <string>

#include "agents/weft_tools.h"
#include "runtime/temporal/connection_options.h"

namespace weft::agents {

// `tools` with its client: the Temporal server at `temporal`'s address, or without one the
// project's journal (.weft/journal.db, made absolute), whose runs a background `weft resume`
// executes with the project's workflows and Lua activities, as after `weft run --detach`.
WeftToolsOptions ProjectToolsOptions(WeftToolsOptions tools,
                                     const temporal::ConnectionOptions& temporal);

struct WeftMcpOptions {
  std::filesystem::path directory;  // the project folder (-C); empty: the current one
  WeftToolsOptions tools;           // its client is ProjectToolsOptions(tools, temporal)'s
  temporal::ConnectionOptions temporal{.address = ""};  // no address: the project's journal
  std::chrono::milliseconds rescan_interval{1000};
};

// Fails, before serving, when the project folder cannot be entered. Logs what it serves.
std::expected<void, std::string> ServeWeftMcp(const WeftMcpOptions& options,
                                              const std::string& version, std::istream& in,
                                              std::ostream& out);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_WEFT_MCP_H_
