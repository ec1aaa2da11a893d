// ServeWeftMcp: `weft mcp` as a function: the MCP server (mcp_server.h) publishing WeftTools
// over a pair of streams, with the instructions an agent reads first, and a thread that rescans
// the workflows folder every `rescan_interval`, so that a file added or edited by anyone (the
// agent, an editor, `weft new`) becomes or changes a tool and the client hears
// notifications/tools/list_changed.
//
// ProjectToolsOptions() says where the runs of the project in the current folder go.
//
// ServeWeftMcp blocks the calling thread until `in` ends and the calls in flight have answered.
#ifndef WEFT_AGENTS_WEFT_MCP_H_
#define WEFT_AGENTS_WEFT_MCP_H_

#include <chrono>
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

void ServeWeftMcp(const WeftToolsOptions& options, const std::string& version,
                  std::chrono::milliseconds rescan_interval, std::istream& in, std::ostream& out);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_WEFT_MCP_H_
