// McpServer: the Model Context Protocol over stdio, tools and resources, as `weft mcp` speaks it
// to an agent (docs/agents.md#weft-mcp). One JSON-RPC 2.0 message per line on the input
// and the output, nothing else on the output (logs go to stderr through spdlog). It negotiates
// the handshake-era protocol versions (2024-11-05 to 2025-11-25), answers ping, tools/list,
// tools/call, resources/list, resources/templates/list and resources/read, and sends
// notifications/tools/list_changed when told the tools changed (capability tools.listChanged).
// What the tools and resources are is a ToolProvider's and a ResourceProvider's business; the
// server checks each call's arguments against the tool's own inputSchema (tool_arguments.h)
// before the provider sees them.
//
// Errors: malformed messages get the JSON-RPC codes (-32700 parse, -32600 invalid request,
// -32601 unknown method, -32602 invalid params, including an unknown tool; -32002 an unknown
// resource); a tool that fails, or is called with arguments its schema refuses, answers a
// result with isError, so that the model reads why and corrects itself.
//
// A result that is a JSON object goes out as text and, when small, also as structuredContent;
// a large one (over kMaxStructuredBytes of JSON) as text only, so that a client does not
// receive it twice.
//
// Progress: a tools/call whose params carry `_meta.progressToken` gets
// notifications/progress for that token while it runs, as often as the tool reports (a tool that
// waits, get_result, reports about once a second), so a client sees it alive and may reset its
// request timeout.
//
// Threads: Serve() reads on the calling thread and runs each tools/call on a thread of its
// own (call_threads.h: an idle one reused, or a new one), so a call that waits (a workflow's
// result) does not hold up pings or other calls; replies may therefore come out of order, as
// JSON-RPC allows. NotifyToolsChanged() may be called from any thread. Writes are serialized, one
// whole line at a time.
#ifndef WEFT_AGENTS_MCP_SERVER_H_
#define WEFT_AGENTS_MCP_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <istream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "agents/call_threads.h"

namespace weft::agents {

struct Tool {
  std::string name;  // [A-Za-z0-9_.-]{1,128}
  std::string title;
  std::string description;
  nlohmann::json input_schema;  // a JSON Schema whose root is {"type": "object", ...}
  bool read_only = false;       // annotations.readOnlyHint
};

struct ToolResult {
  nlohmann::json value;  // shown to the model as JSON text; an object is also structuredContent
  bool is_error = false;
};

// How a tool that takes a while tells the client it is alive: `progress` grows with each report
// (seconds waited, say); `message` says where things stand. A no-op when the client asked for no
// progress. Called on the tool call's own thread.
using ProgressReporter = std::function<void(double progress, const std::string& message)>;

// The tools a server publishes. Tools() and Call() may be called from several threads at once.
// Call() receives arguments that passed CheckArguments against the tool's inputSchema.
class ToolProvider {
 public:
  virtual ~ToolProvider() = default;
  virtual std::vector<Tool> Tools() = 0;
  // The tool of that name, as Tools() lists it; nullopt when there is none. The server looks up
  // every call's tool: a provider with many tools, or tools that are costly to build, answers
  // it without building the list.
  virtual std::shared_ptr<const Tool> Find(const std::string& name);
  // nullopt: there is no tool of that name (a protocol error, -32602). `progress` is never
  // empty.
  virtual std::optional<ToolResult> Call(const std::string& name, const nlohmann::json& arguments,
                                         const ProgressReporter& progress) = 0;
};

struct Resource {
  std::string uri;
  std::string name;
  std::string title;
  std::string description;
  std::string mime_type;
  std::size_t size = 0;  // bytes of text
};

// The resources a server publishes: read-only texts. Thread-safe.
class ResourceProvider {
 public:
  virtual ~ResourceProvider() = default;
  virtual std::vector<Resource> Resources() = 0;
  // The text of `uri`; nullopt when there is no such resource.
  virtual std::optional<std::string> Read(const std::string& uri) = 0;
};

class McpServer {
 public:
  // Bigger results go out as text only (see above).
  static constexpr std::size_t kMaxStructuredBytes = 16 * 1024;

  struct Info {
    std::string name;
    std::string version;
    std::string instructions;  // what an agent should know first; sent in initialize
  };

  // `resources` may be null: then the server has no resources capability.
  McpServer(Info info, ToolProvider& tools, ResourceProvider* resources, std::ostream& out);
  ~McpServer();
  McpServer(const McpServer&) = delete;
  McpServer& operator=(const McpServer&) = delete;

  // Reads messages until the input ends, then waits for the calls in flight to answer.
  void Serve(std::istream& in);

  // Sends notifications/tools/list_changed, once the client has initialized.
  void NotifyToolsChanged();

  // The versions this server speaks, newest first.
  static const std::vector<std::string>& SupportedVersions();

 private:
  void HandleLine(const std::string& line);
  void HandleRequest(const nlohmann::json& id, const std::string& method,
                     const nlohmann::json& params);
  void CallTool(nlohmann::json id, nlohmann::json params);
  void Send(const nlohmann::json& message);
  void SendError(const nlohmann::json& id, int code, const std::string& message);

  Info info_;
  ToolProvider& tools_;
  ResourceProvider* resources_;
  std::ostream& out_;
  std::mutex write_mutex_;
  std::atomic<bool> initialized_{false};
  std::mutex calls_mutex_;
  std::condition_variable calls_done_;
  int calls_in_flight_ = 0;
  CallThreads call_threads_;  // last: its threads are joined before the rest goes
};

}  // namespace weft::agents

#endif  // WEFT_AGENTS_MCP_SERVER_H_
