// UiApi: the JSON API behind the pages of `weft ui`, over the engine-neutral client
// (runtime/client/workflow_client.h) and the workflows folder:
//
//   GET  /api/info                        the engine and the folder
//   GET  /api/workflows                   every definition of the folder: name, version,
//                                         sha256, description, input schema, handlers, graph;
//                                         and the files that do not load, with diagnostics
//   POST /api/workflows/{name}/start      {input, workflow_id?}: the input is checked against
//                                         the schema first (400 with each error); {workflow_id,
//                                         run_id}
//   GET  /api/runs?workflow=&status=&q=&since_ms=&page=&page_size=
//                                         runs newest first, filtered; the counts by status of
//                                         the workflow's runs
//   GET  /api/runs/{workflow_id}[?run_id=]  where the run stands (run_description.h), its
//                                         definition's graph, each step's state
//                                         (step_states.h), the handlers it declares
//   POST /api/runs/{workflow_id}/{signal|update|query|cancel|terminate}
//                                         {name, payload} or {reason}
//
// Answers are JSON; a refusal is {error, failure?} with the status the client's error kind
// means (404 no such run, 409 closed or already started, 422 a query or update refused,
// 503 no engine). It checks nothing about who asks: ui_server.h puts the RequestGuard first.
//
// ProjectUiOptions() says where the runs of the project in the current folder go.
//
// Every call connects a client of its own (a client is one thread's), so the handlers may run
// on any threads at once; the folder's catalog is thread-safe.
#ifndef WEFT_UI_UI_API_H_
#define WEFT_UI_UI_API_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "dsl/definition_catalog.h"
#include "runtime/client/connect_client.h"
#include "runtime/client/foreground_run.h"
#include "runtime/http/http_message.h"

namespace weft::ui {

struct UiOptions {
  client::ClientOptions client;
  std::filesystem::path workflows = "workflows";
  std::string task_queue = "weft";  // Temporal: where started runs go
  // The most runs a listing reads to filter, page and count.
  std::int64_t max_listed_runs = 1000;
};

// `weft ui`'s options: `engine`'s workflows folder, and its client: the Temporal server at
// `temporal`'s address, whose runs go to `task_queue`, or without one `engine`'s journal (made
// absolute, its folder created), whose runs a background `weft resume` with `engine` executes,
// as after `weft run --detach`.
UiOptions ProjectUiOptions(const temporal::ConnectionOptions& temporal,
                           const client::ForegroundOptions& engine, const std::string& task_queue);

class UiApi {
 public:
  explicit UiApi(UiOptions options);

  http::HttpResponse Info(const http::HttpRequest& request) const;
  http::HttpResponse Workflows(const http::HttpRequest& request) const;
  http::HttpResponse StartRun(const http::HttpRequest& request) const;
  http::HttpResponse Runs(const http::HttpRequest& request) const;
  // GET /api/runs/{id} and the POSTs under it.
  http::HttpResponse Run(const http::HttpRequest& request) const;

 private:
  http::HttpResponse Describe(const client::Execution& execution) const;
  http::HttpResponse Act(const client::Execution& execution, const std::string& action,
                         const http::HttpRequest& request) const;

  UiOptions options_;
  std::unique_ptr<dsl::DefinitionCatalog> catalog_;
};

}  // namespace weft::ui

#endif  // WEFT_UI_UI_API_H_
