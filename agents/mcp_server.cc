#include "agents/mcp_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "agents/tool_arguments.h"
#include "dsl/json_text.h"

namespace weft::agents {
namespace {

using nlohmann::json;

// JSON-RPC 2.0's codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kInternalError = -32603;
// MCP's code for resources/read of a URI the server does not have.
constexpr int kResourceNotFound = -32002;

// Compact, ASCII-safe JSON on one line: the framing needs no embedded newline, and invalid
// UTF-8 from a tool's output must not make the line unparseable.
std::string Line(const json& message) {
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

json ToolToJson(const Tool& tool) {
  json out = {
      {"name", tool.name}, {"description", tool.description}, {"inputSchema", tool.input_schema}};
  if (!tool.title.empty()) out["title"] = tool.title;
  out["annotations"] = {{"readOnlyHint", tool.read_only}};
  return out;
}

}  // namespace

std::shared_ptr<const Tool> ToolProvider::Find(const std::string& name) {
  std::shared_ptr<const Tool> found;
  for (Tool& tool : Tools()) {
    // The last of a name, as a client reads the list.
    if (tool.name == name) found = std::make_shared<const Tool>(std::move(tool));
  }
  return found;
}

const std::vector<std::string>& McpServer::SupportedVersions() {
  static const std::vector<std::string> versions = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                    "2024-11-05"};
  return versions;
}

McpServer::McpServer(Info info, ToolProvider& tools, ResourceProvider* resources, std::ostream& out)
    : info_(std::move(info)), tools_(tools), resources_(resources), out_(out) {}

McpServer::~McpServer() {
  std::unique_lock lock(calls_mutex_);
  calls_done_.wait(lock, [this] { return calls_in_flight_ == 0; });
}

void McpServer::Serve(std::istream& in) {
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    HandleLine(line);
  }
  spdlog::debug("mcp: the input closed; waiting for the calls in flight");
  std::unique_lock lock(calls_mutex_);
  calls_done_.wait(lock, [this] { return calls_in_flight_ == 0; });
}

void McpServer::NotifyToolsChanged() {
  if (!initialized_.load()) return;
  Send({{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}});
}

void McpServer::Send(const json& message) {
  const std::string line = Line(message);
  std::lock_guard lock(write_mutex_);
  out_ << line << '\n';
  out_.flush();
}

void McpServer::SendError(const json& id, int code, const std::string& message) {
  Send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

void McpServer::HandleLine(const std::string& line) {
  // Strictly (dsl/json_text.h): a number out of range, a key given twice or nesting without end
  // is refused here, not met by a tool.
  auto parsed = dsl::ParseJsonText(line, "the message");
  if (!parsed) {
    SendError(nullptr, kParseError, "Parse error: " + parsed.error());
    return;
  }
  json message = std::move(*parsed);
  if (message.is_array()) {
    SendError(nullptr, kInvalidRequest, "Invalid Request: batches are not supported");
    return;
  }
  const json id = message.is_object() && message.contains("id") ? message["id"] : json();
  const bool valid_id = id.is_null() || id.is_string() || id.is_number_integer();
  if (!message.is_object() || message.value("jsonrpc", json()) != "2.0" || !valid_id) {
    SendError(valid_id ? id : json(), kInvalidRequest,
              "Invalid Request: expected a JSON-RPC 2.0 object with \"jsonrpc\": \"2.0\"");
    return;
  }
  if (!message.contains("method")) {
    // A response to a request of ours: the server sends none, so there is nothing to match.
    if (message.contains("result") || message.contains("error")) return;
    SendError(id, kInvalidRequest, "Invalid Request: no method");
    return;
  }
  if (!message["method"].is_string()) {
    SendError(id, kInvalidRequest, "Invalid Request: the method must be a string");
    return;
  }
  const std::string method = message["method"];
  const json params = message.value("params", json::object());
  if (!message.contains("id")) {  // a notification: never answered
    if (method == "notifications/initialized") initialized_ = true;
    spdlog::debug("mcp: notification {}", method);
    return;
  }
  if (!params.is_object()) {
    SendError(id, kInvalidParams, "Invalid params: params must be an object");
    return;
  }
  try {
    HandleRequest(id, method, params);
  } catch (const std::exception& error) {
    // A request of a shape no branch foresaw: an error for that request, and the server goes
    // on (an exception escaping Serve() would end `weft mcp` for the agent).
    SendError(id, kInternalError, std::string("Internal error: ") + error.what());
  }
}

void McpServer::HandleRequest(const json& id, const std::string& method, const json& params) {
  if (method == "initialize") {
    const auto& versions = SupportedVersions();
    // Each field read only when it is a string: a client's {"protocolVersion": 1} is a version
    // this server does not speak, not a reason to throw.
    auto text = [&](const json::json_pointer& pointer, const std::string& otherwise) {
      return params.contains(pointer) && params[pointer].is_string()
                 ? params[pointer].get<std::string>()
                 : otherwise;
    };
    const std::string requested = text("/protocolVersion"_json_pointer, "");
    const std::string version =
        std::find(versions.begin(), versions.end(), requested) != versions.end() ? requested
                                                                                 : versions.front();
    spdlog::info("mcp: {} {} connected, protocol {} (asked for {})",
                 text("/clientInfo/name"_json_pointer, "a client"),
                 text("/clientInfo/version"_json_pointer, ""), version,
                 requested.empty() ? "none" : requested);
    // Ready for notifications from here: a client that never sends notifications/initialized
    // (some do not) still hears about new tools.
    initialized_ = true;
    json capabilities = {{"tools", {{"listChanged", true}}}};
    if (resources_ != nullptr) capabilities["resources"] = {{"listChanged", false}};
    json result = {{"protocolVersion", version},
                   {"capabilities", capabilities},
                   {"serverInfo", {{"name", info_.name}, {"version", info_.version}}}};
    if (!info_.instructions.empty()) result["instructions"] = info_.instructions;
    Send({{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
  } else if (method == "ping") {
    Send({{"jsonrpc", "2.0"}, {"id", id}, {"result", json::object()}});
  } else if (method == "tools/list") {
    json list = json::array();
    for (const Tool& tool : tools_.Tools()) list.push_back(ToolToJson(tool));
    Send({{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"tools", list}}}});
  } else if (resources_ != nullptr && method == "resources/list") {
    json list = json::array();
    for (const Resource& resource : resources_->Resources()) {
      json item = {
          {"uri", resource.uri}, {"name", resource.name}, {"mimeType", resource.mime_type}};
      if (!resource.title.empty()) item["title"] = resource.title;
      if (!resource.description.empty()) item["description"] = resource.description;
      item["size"] = resource.size;
      list.push_back(std::move(item));
    }
    Send({{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"resources", list}}}});
  } else if (resources_ != nullptr && method == "resources/templates/list") {
    Send({{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"resourceTemplates", json::array()}}}});
  } else if (resources_ != nullptr && method == "resources/read") {
    if (!params.contains("uri") || !params["uri"].is_string()) {
      SendError(id, kInvalidParams, "Invalid params: resources/read needs a string \"uri\"");
      return;
    }
    const std::string uri = params["uri"];
    std::optional<std::string> text = resources_->Read(uri);
    if (!text) {
      Send({{"jsonrpc", "2.0"},
            {"id", id},
            {"error",
             {{"code", kResourceNotFound},
              {"message", "Resource not found: " + uri + " (resources/list lists them)"},
              {"data", {{"uri", uri}}}}}});
      return;
    }
    std::string mime_type = "text/plain";
    for (const Resource& resource : resources_->Resources()) {
      if (resource.uri == uri) mime_type = resource.mime_type;
    }
    Send({{"jsonrpc", "2.0"},
          {"id", id},
          {"result",
           {{"contents",
             json::array({{{"uri", uri}, {"mimeType", mime_type}, {"text", *text}}})}}}});
  } else if (method == "tools/call") {
    std::lock_guard lock(calls_mutex_);
    ++calls_in_flight_;
    call_threads_.Run([this, id, params] { CallTool(id, params); });
  } else {
    SendError(id, kMethodNotFound, "Method not found: " + method);
  }
}

void McpServer::CallTool(json id, json params) {
  try {
    if (!params.contains("name") || !params["name"].is_string()) {
      SendError(id, kInvalidParams, "Invalid params: tools/call needs a string \"name\"");
    } else if (params.contains("arguments") && !params["arguments"].is_object() &&
               !params["arguments"].is_null()) {
      SendError(id, kInvalidParams, "Invalid params: \"arguments\" must be an object");
    } else {
      const std::string name = params["name"];
      json arguments = params.value("arguments", json::object());
      if (arguments.is_null()) arguments = json::object();
      spdlog::info("mcp: call {}", name);
      const std::shared_ptr<const Tool> tool = tools_.Find(name);
      // MCP's progress: the client names a token (a string or an integer) in _meta; each
      // notification carries it and a progress value that only grows.
      ProgressReporter progress = [](double, const std::string&) {};
      const json token = params.contains("_meta") && params["_meta"].is_object()
                             ? params["_meta"].value("progressToken", json())
                             : json();
      if (token.is_string() || token.is_number_integer()) {
        progress = [this, token, last = -1.0](double value, const std::string& message) mutable {
          value = std::max(value, last + 1e-3);
          last = value;
          json notification = {{"progressToken", token}, {"progress", value}};
          if (!message.empty()) notification["message"] = message;
          Send({{"jsonrpc", "2.0"},
                {"method", "notifications/progress"},
                {"params", std::move(notification)}});
        };
      }
      std::optional<ToolResult> result;
      if (tool) {
        auto checked = CheckArguments(*tool, arguments);
        result = checked ? tools_.Call(name, arguments, progress)
                         : ToolResult{checked.error().ToJson(), /*is_error=*/true};
      }
      if (!result) {
        SendError(id, kInvalidParams, "Unknown tool: " + name + " (tools/list lists them)");
      } else {
        const std::string text =
            result->value.is_string()
                ? result->value.get<std::string>()
                : result->value.dump(2, ' ', false, json::error_handler_t::replace);
        json reply = {{"content", json::array({{{"type", "text"}, {"text", text}}})},
                      {"isError", result->is_error}};
        if (result->value.is_object() && text.size() <= kMaxStructuredBytes) {
          reply["structuredContent"] = result->value;
        }
        Send({{"jsonrpc", "2.0"}, {"id", id}, {"result", reply}});
      }
    }
  } catch (const std::exception& error) {
    SendError(id, kInternalError, std::string("Internal error: ") + error.what());
  }
  std::lock_guard lock(calls_mutex_);
  --calls_in_flight_;
  calls_done_.notify_all();
}

}  // namespace weft::agents
