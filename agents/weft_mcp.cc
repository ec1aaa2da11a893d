#include "agents/weft_mcp.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "agents/mcp_server.h"

namespace weft::agents {
namespace {

constexpr char kInstructions[] =
    "weft runs workflows written in YAML durably (embedded engine, or Temporal). Start with "
    "list_workflows and list_activities. To write one: add_temporal_workflow scaffolds "
    "workflows/<name>.yaml that validates as written; edit the file; validate_workflow until "
    "valid (each diagnostic has a code, line, column, JSON path and hint: fix exactly that); "
    "test_workflow dry-runs tests/workflows/<name>.test.yaml with mocked activities; then call "
    "the workflow's own tool (its name) to start a durable run, and get_result for its output. "
    "get_schema gives the language's JSON Schema. The language reference: docs/agents.md.";

}  // namespace

void ServeWeftMcp(const WeftToolsOptions& options, const std::string& version,
                  std::chrono::milliseconds rescan_interval, std::istream& in, std::ostream& out) {
  McpServer* server_ref = nullptr;
  WeftTools tools(options, [&server_ref] {
    if (server_ref != nullptr) server_ref->NotifyToolsChanged();
  });
  tools.Rescan();
  McpServer server({.name = "weft", .version = version, .instructions = kInstructions}, tools, out);
  server_ref = &server;

  std::mutex mutex;
  std::condition_variable stop_signal;
  bool stop = false;
  std::thread rescanner([&] {
    std::unique_lock lock(mutex);
    while (!stop_signal.wait_for(lock, rescan_interval, [&] { return stop; })) {
      lock.unlock();
      tools.Rescan();
      lock.lock();
    }
  });
  server.Serve(in);
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  stop_signal.notify_all();
  rescanner.join();
}

}  // namespace weft::agents
