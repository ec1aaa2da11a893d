#include "ui/ui_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "dsl/diagnostic.h"
#include "dsl/input_check.h"
#include "dsl/step_graph.h"
#include "runtime/client/run_description.h"
#include "runtime/client/run_text.h"
#include "runtime/http/query_string.h"
#include "ui/step_states.h"

namespace weft::ui {
namespace {

using http::HttpRequest;
using http::HttpResponse;
using nlohmann::json;

constexpr std::string_view kRunsPrefix = "/api/runs/";
constexpr std::string_view kWorkflowsPrefix = "/api/workflows/";

HttpResponse Json(int status, const json& value) {
  // Invalid UTF-8 in a payload must not make the whole answer fail: replace it.
  return HttpResponse::Text(status, value.dump(-1, ' ', false, json::error_handler_t::replace),
                            "application/json")
      .AddHeader("Cache-Control", "no-store");
}

HttpResponse Error(int status, std::string message, json failure = nullptr) {
  json value = {{"error", std::move(message)}};
  if (!failure.is_null()) value["failure"] = std::move(failure);
  return Json(status, value);
}

HttpResponse ClientFailure(const client::ClientError& error) {
  using Kind = client::ClientError::Kind;
  const int status = error.kind == Kind::kNotFound          ? 404
                     : error.kind == Kind::kAlreadyStarted  ? 409
                     : error.kind == Kind::kClosed          ? 409
                     : error.kind == Kind::kInvalidArgument ? 400
                     : error.kind == Kind::kRejected        ? 422
                     : error.kind == Kind::kUnavailable     ? 503
                                                            : 500;
  return Error(status, error.message, error.failure);
}

std::int64_t NumberParameter(const std::map<std::string, std::string>& parameters,
                             const std::string& name, std::int64_t fallback) {
  auto found = parameters.find(name);
  if (found == parameters.end() || found->second.empty()) return fallback;
  std::int64_t value = 0;
  const std::string& text = found->second;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() ? value : fallback;
}

// The request's JSON body, an empty body as {}; nullopt when it is not JSON.
std::optional<json> Body(const HttpRequest& request) {
  if (request.body.empty()) return json::object();
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return std::nullopt;
  return body;
}

json Handlers(const dsl::Definition& definition) {
  json handlers = {
      {"signals", json::array()}, {"queries", json::array()}, {"updates", json::array()}};
  for (const auto& signal : definition.signals) {
    handlers["signals"].push_back({{"name", signal.name}, {"description", signal.description}});
  }
  for (const auto& query : definition.queries) {
    handlers["queries"].push_back({{"name", query.name}, {"description", query.description}});
  }
  for (const auto& update : definition.updates) {
    handlers["updates"].push_back({{"name", update.name}, {"description", update.description}});
  }
  return handlers;
}

json DefinitionJson(const dsl::Definition& definition) {
  return {{"name", definition.name},          {"version", definition.version},
          {"sha256", definition.sha256},      {"description", definition.description},
          {"file", definition.file},          {"input_schema", definition.input_schema},
          {"handlers", Handlers(definition)}, {"graph", dsl::BuildStepGraph(definition).ToJson()}};
}

}  // namespace

UiOptions ProjectUiOptions(const temporal::ConnectionOptions& temporal,
                           const client::ForegroundOptions& engine, const std::string& task_queue) {
  UiOptions options{.client = client::DetachedConnectOptions(temporal, engine),
                    .workflows = engine.workflows,
                    .task_queue = task_queue};
  if (temporal.address.empty()) {
    // Opening the journal says so when its folder cannot be made.
    std::error_code ignored;
    std::filesystem::create_directories(options.client.embedded.journal.parent_path(), ignored);
  }
  return options;
}

UiApi::UiApi(UiOptions options)
    : options_(std::move(options)),
      catalog_(std::make_unique<dsl::DefinitionCatalog>(options_.workflows)) {
  catalog_->Rescan();
}

HttpResponse UiApi::Info(const HttpRequest&) const {
  const bool temporal = !options_.client.temporal.address.empty();
  json info = {{"engine", temporal ? "temporal" : "embedded"},
               {"workflows", options_.workflows.string()}};
  if (temporal) {
    info["address"] = options_.client.temporal.address;
    info["namespace"] = options_.client.temporal.namespace_name;
  } else {
    info["journal"] = options_.client.embedded.journal.string();
  }
  return Json(200, info);
}

HttpResponse UiApi::Workflows(const HttpRequest&) const {
  catalog_->Rescan();
  json workflows = json::array();
  for (const auto& definition : catalog_->List()) workflows.push_back(DefinitionJson(*definition));
  json invalid = json::array();
  for (const auto& [file, diagnostics] : catalog_->Problems()) {
    json list = json::array();
    for (const auto& diagnostic : diagnostics) list.push_back(dsl::DiagnosticToJson(diagnostic));
    invalid.push_back({{"file", file.filename().string()},
                       {"path", file.string()},
                       {"diagnostics", std::move(list)}});
  }
  return Json(200, {{"workflows", std::move(workflows)}, {"invalid", std::move(invalid)}});
}

HttpResponse UiApi::StartRun(const HttpRequest& request) const {
  // /api/workflows/{name}/start
  std::string_view rest = std::string_view(request.path).substr(kWorkflowsPrefix.size());
  if (!rest.ends_with("/start")) return Error(404, "no such action: " + request.path);
  rest.remove_suffix(std::string_view("/start").size());
  const std::string name = http::PercentDecode(rest);
  auto body = Body(request);
  if (!body || !body->is_object()) return Error(400, "the body is not a JSON object");
  catalog_->Rescan();
  auto definition = catalog_->Find(name);
  if (!definition) return Error(404, "no workflow named `" + name + "` in the folder");
  const json input = body->value("input", json::object());
  if (auto checked = dsl::CheckInput(definition->input_schema, input); !checked) {
    json errors = json::array();
    for (const auto& error : checked.error()) {
      errors.push_back({{"pointer", error.pointer}, {"message", error.message}});
    }
    return Json(400, {{"error", dsl::DescribeInputErrors(checked.error())},
                      {"input_errors", std::move(errors)}});
  }
  auto client = client::ConnectClient(options_.client);
  if (!client) return ClientFailure(client.error());
  auto started = (*client)->Start({.workflow = name,
                                   .input = input,
                                   .workflow_id = body->value("workflow_id", ""),
                                   .task_queue = options_.task_queue,
                                   .workflows = options_.workflows});
  if (!started) return ClientFailure(started.error());
  return Json(200, {{"workflow_id", started->execution.workflow_id},
                    {"run_id", started->execution.run_id}});
}

HttpResponse UiApi::Runs(const HttpRequest& request) const {
  const auto parameters = http::ParseQueryString(request.query);
  auto parameter = [&](const std::string& name) {
    auto found = parameters.find(name);
    return found == parameters.end() ? std::string() : found->second;
  };
  std::optional<client::RunStatus> status;
  if (!parameter("status").empty()) {
    status = client::ParseRunStatus(parameter("status"));
    if (!status) return Error(400, "no run status is called `" + parameter("status") + "`");
  }
  const std::int64_t page = std::max<std::int64_t>(0, NumberParameter(parameters, "page", 0));
  const std::int64_t page_size =
      std::clamp<std::int64_t>(NumberParameter(parameters, "page_size", 20), 1, 500);
  const std::int64_t since_ms = NumberParameter(parameters, "since_ms", 0);
  const std::string search = parameter("q");

  auto client = client::ConnectClient(options_.client);
  if (!client) return ClientFailure(client.error());
  // One listing of the workflow's runs gives both the counts and, filtered, the page.
  auto runs =
      (*client)->List({.workflow = parameter("workflow"), .limit = options_.max_listed_runs});
  if (!runs) return ClientFailure(runs.error());
  json counts = json::object();
  std::vector<const client::RunSummary*> matching;
  for (const client::RunSummary& run : *runs) {
    if (run.created_ms < since_ms) continue;
    const std::string name(client::RunStatusName(run.status));
    counts[name] = counts.value(name, 0) + 1;
    if (status && run.status != *status) continue;
    if (!search.empty() && run.execution.workflow_id.find(search) == std::string::npos &&
        run.execution.run_id.find(search) == std::string::npos) {
      continue;
    }
    matching.push_back(&run);
  }
  json list = json::array();
  const std::size_t first = static_cast<std::size_t>(page * page_size);
  for (std::size_t i = first; i < matching.size() && i < first + page_size; ++i) {
    list.push_back(client::RunSummaryJson(*matching[i]));
  }
  return Json(200,
              {{"runs", std::move(list)},
               {"counts", std::move(counts)},
               {"total", matching.size()},
               {"page", page},
               {"page_size", page_size},
               {"truncated", static_cast<std::int64_t>(runs->size()) >= options_.max_listed_runs}});
}

HttpResponse UiApi::Run(const HttpRequest& request) const {
  // /api/runs/{workflow_id} or /api/runs/{workflow_id}/{action}; a workflow id may hold `/`
  // only escaped (%2F), so the last unescaped `/` separates the action.
  const std::string_view rest = std::string_view(request.path).substr(kRunsPrefix.size());
  const std::size_t slash = rest.find('/');
  const std::string workflow_id = http::PercentDecode(rest.substr(0, slash));
  const std::string action =
      slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  if (workflow_id.empty()) return Error(404, "no workflow id in " + request.path);
  const auto parameters = http::ParseQueryString(request.query);
  auto run_id = parameters.find("run_id");
  const client::Execution execution{
      .workflow_id = workflow_id,
      .run_id = run_id == parameters.end() ? std::string() : run_id->second};
  if (request.method == "POST") return Act(execution, action, request);
  if (!action.empty()) return Error(404, "no such path: " + request.path);
  return Describe(execution);
}

HttpResponse UiApi::Describe(const client::Execution& execution) const {
  client::ClientOptions options = options_.client;
  // A page that polls must not hang on an engine that is slow to take the run.
  options.embedded.reply_timeout = std::chrono::seconds(3);
  auto client = client::ConnectClient(options);
  if (!client) return ClientFailure(client.error());
  // A run whose engine exited (the journal of an earlier session) gets one, so that it moves
  // and answers where it stands, as it does for describe_run.
  auto ensure_engine = [&options] {
    if (auto started = client::EnsureEngine(options); !started) {
      spdlog::warn("ui: could not start a background engine: {}", started.error());
    }
  };
  auto described = client::DescribeRunStanding(
      **client, execution, {.operations = true, .before_stack_query = ensure_engine});
  if (!described) return ClientFailure(described.error());
  json value = {{"run", *described}};

  catalog_->Rescan();
  const std::string name = described->value("workflow", "");
  auto current = catalog_->Find(name);
  std::shared_ptr<const dsl::Definition> definition = current;
  if (described->contains("version") && (*described)["version"].is_number_integer()) {
    if (auto pinned = catalog_->Find(name, (*described)["version"].get<std::int64_t>())) {
      definition = pinned;
    }
  }
  if (definition) {
    const dsl::StepGraph graph = dsl::BuildStepGraph(*definition);
    const std::string pinned_sha = described->value("sha256", "");
    value["definition"] = {{"name", definition->name},
                           {"version", definition->version},
                           {"sha256", definition->sha256},
                           {"pinned_sha256", pinned_sha},
                           // The folder's file changed since the run started: the graph is
                           // that of the file, which may not be what the run executes.
                           {"differs", !pinned_sha.empty() && pinned_sha != definition->sha256},
                           {"current_version", current->version},
                           {"current_sha256", current->sha256},
                           {"canonical", definition->canonical}};
    value["handlers"] = Handlers(*definition);
    value["graph"] = graph.ToJson();
    value["states"] = StepStates(graph, *described);
  }
  return Json(200, value);
}

HttpResponse UiApi::Act(const client::Execution& execution, const std::string& action,
                        const HttpRequest& request) const {
  auto body = Body(request);
  if (!body || !body->is_object()) return Error(400, "the body is not a JSON object");
  const std::string name = body->value("name", "");
  const json payload = body->value("payload", json());
  const std::string reason = body->value("reason", "by weft ui");
  auto client = client::ConnectClient(options_.client);
  if (!client) return ClientFailure(client.error());
  auto sent_json = [](const client::Sent& sent) { return json{{"queued", sent.queued}}; };
  if (action == "signal" || action == "query" || action == "update") {
    if (name.empty()) return Error(400, "the " + action + " needs a name");
    if (action == "signal") {
      auto sent = (*client)->Signal(execution, name, payload);
      if (!sent) return ClientFailure(sent.error());
      return Json(200, sent_json(*sent));
    }
    auto answer = action == "query" ? (*client)->Query(execution, name, payload)
                                    : (*client)->Update(execution, name, payload);
    if (!answer) return ClientFailure(answer.error());
    return Json(200, {{"result", *answer}});
  }
  if (action == "cancel" || action == "terminate") {
    auto sent = action == "cancel" ? (*client)->Cancel(execution, reason)
                                   : (*client)->Terminate(execution, reason);
    if (!sent) return ClientFailure(sent.error());
    return Json(200, sent_json(*sent));
  }
  return Error(404, "no action `" + action + "` (signal, update, query, cancel, terminate)");
}

}  // namespace weft::ui
