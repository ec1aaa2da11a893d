// ServeWeftMcp: `weft mcp` as a function: the MCP server (mcp_server.h) publishing WeftTools
// over a pair of streams, with the instructions an agent reads first, and a thread that rescans
// the workflows folder every `rescan_interval`, so that a file added or edited by anyone (the
// agent, an editor, `weft new`) becomes or changes a tool and the client hears
// notifications/tools/list_changed.
//
// Blocks the calling thread until `in` ends and the calls in flight have answered.
#ifndef WEFT_AGENTS_WEFT_MCP_H_
#define WEFT_AGENTS_WEFT_MCP_H_

#include <chrono>
#include <istream>
#include <ostream>
#include <string>

#include "agents/weft_tools.h"

namespace weft::agents {

void ServeWeftMcp(const WeftToolsOptions& options, const std::string& version,
                  std::chrono::milliseconds rescan_interval, std::istream& in, std::ostream& out);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_WEFT_MCP_H_
