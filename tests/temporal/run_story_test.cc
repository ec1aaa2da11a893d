// What the Temporal UI reads of a weft run, read here through the server's API as the UI reads
// it: the summaries of activities, timers and child starts (by step id, with the branch and
// the iteration), the SDK name and version the workflow task completions record, the
// `__temporal_workflow_metadata` and `__stack_trace` queries, and the list of known queries in
// the error for an unknown one. The real `weft worker` serves the run on a dev server.

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "runtime/temporal/grpc_connection.h"
#include "runtime/temporal/payload.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "tests/support/dev_server.h"
#include "tests/support/subprocess.h"
#include "tests/temporal/weft_worker_process.h"

namespace {

using nlohmann::json;
using weft::temporal::GrpcConnection;
using weft::temporal::WorkflowClient;
using weft::testing::DevServer;
using weft::testing::TempFolder;
namespace enums = ::temporal::api::enums::v1;
namespace workflowservice = ::temporal::api::workflowservice::v1;
using Stub = GrpcConnection::WorkflowService::Stub;

constexpr char kStory[] = R"(dsl: 1
name: story
version: 2
description: Makes thumbnails, then waits for approval.
vars: {stage: started}
handlers:
  queries:
    progress: {value: '${ vars.stage }', description: How far the run has got}
  signals:
    approve: {set: {stage: approved}, description: Lets the run finish}
  updates:
    rename: {result: '${ update }', description: Echoes its argument}
steps:
  - id: prepare
    parallel:
      branches:
        - id: thumbs
          steps:
            - id: resize_all
              foreach:
                in: ${ input.images }
                concurrency: 3
                steps:
                  - id: resize
                    call: log
                    args: {message: '${ item }'}
                    timeouts: {start_to_close: 10s}
        - id: pause
          steps: [{id: cool_off, wait: 1s}]
  - id: welcome
    workflow: {name: story-child}
  - id: approval
    await: {condition: '${ vars.stage == "approved" }'}
output: done
)";

constexpr char kChild[] = R"(dsl: 1
name: story-child
steps:
  - {id: hello, call: log, args: {message: child}, timeouts: {start_to_close: 10s}}
output: child
)";

std::string Summary(const ::temporal::api::sdk::v1::UserMetadata& metadata) {
  if (!metadata.has_summary()) return "";
  auto summary = weft::temporal::FromPayload(metadata.summary());
  REQUIRE(summary);
  return summary->get<std::string>();
}

}  // namespace

TEST_CASE("the UI reads a weft run's steps, its handlers, its stack and its SDK") {
  const std::string address = DevServer::Shared().address();
  TempFolder workflows("weft-story");
  workflows.Write("story.yaml", kStory);
  workflows.Write("story-child.yaml", kChild);
  const std::string queue = weft::testing::UniqueName("story");
  auto worker = weft::testing::StartWeftWorker(address, queue, workflows.path());
  WorkflowClient client = weft::testing::ConnectClient(address);
  const std::string id = weft::testing::UniqueName("story");
  // Started as a user starts it: `weft start` reads the definition for the run's summary.
  auto started = weft::testing::RunProcess({weft::testing::WeftBinary(), "start", "story",
                                            "--input", R"({"images": ["a.png", "b.png", "c.png"]})",
                                            "--id", id, "--task-queue", queue, "--address", address,
                                            "--workflows", workflows.path().string()});
  REQUIRE(started.exit_code == 0);
  weft::testing::WaitForEvent(client, id, "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED");
  weft::testing::WaitForEvent(client, id, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED", 4);

  // The Call Stack tab: where the run stands, by step id.
  auto stack = client.Query({.workflow_id = id}, "__stack_trace", nullptr);
  REQUIRE(stack);
  CHECK(*stack == "at approval (await)\n");

  // The Queries tab and the run's details: the metadata query, as the SDKs answer it.
  auto metadata = client.Query({.workflow_id = id}, "__temporal_workflow_metadata", nullptr);
  REQUIRE(metadata);
  const json& definition = (*metadata)["definition"];
  CHECK(definition["type"] == "story");
  CHECK(definition["queryDefinitions"].size() == 3);
  CHECK(definition["queryDefinitions"][2] ==
        json{{"name", "progress"}, {"description", "How far the run has got"}});
  CHECK(definition["signalDefinitions"] ==
        json::parse(R"([{"name": "approve", "description": "Lets the run finish"}])"));
  CHECK(definition["updateDefinitions"] ==
        json::parse(R"([{"name": "rename", "description": "Echoes its argument"}])"));
  const std::string details = (*metadata)["currentDetails"];
  CHECK(details.starts_with("story v2 (weft, sha256 "));
  CHECK(details.ends_with("Makes thumbnails, then waits for approval."));

  // Older UIs list the queries from the error of an unknown one, between brackets.
  auto unknown = client.Query({.workflow_id = id}, "@@temporal-internal__list", nullptr);
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error().message,
             Catch::Contains("KnownQueryTypes=[__stack_trace __temporal_workflow_metadata "
                             "progress]"));

  REQUIRE(client.Signal({.workflow_id = id}, "approve", nullptr));
  weft::testing::WaitUntilClosed(client, id);

  // The history, through the API as the UI reads it: summaries and the SDK.
  auto connection = GrpcConnection::Open({.address = address});
  REQUIRE(connection);
  workflowservice::GetWorkflowExecutionHistoryRequest request;
  request.set_namespace_("default");
  request.mutable_execution()->set_workflow_id(id);
  auto history =
      (*connection)
          ->Call(&Stub::GetWorkflowExecutionHistory, "GetWorkflowExecutionHistory", request);
  REQUIRE(history);
  std::multiset<std::string> activities;
  std::vector<std::string> timers, children;
  std::vector<std::pair<std::string, std::string>> sdks;
  std::string child_id;
  for (const auto& event : history->history().events()) {
    switch (event.event_type()) {
      case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activities.insert(Summary(event.user_metadata()));
        break;
      case enums::EVENT_TYPE_TIMER_STARTED:
        timers.push_back(Summary(event.user_metadata()));
        break;
      case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        children.push_back(Summary(event.user_metadata()));
        child_id = event.start_child_workflow_execution_initiated_event_attributes().workflow_id();
        break;
      case enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        const auto& sdk = event.workflow_task_completed_event_attributes().sdk_metadata();
        if (!sdk.sdk_name().empty()) sdks.emplace_back(sdk.sdk_name(), sdk.sdk_version());
        break;
      }
      default:
        break;
    }
  }
  CHECK(activities ==
        std::multiset<std::string>{"thumbs/resize[0]", "thumbs/resize[1]", "thumbs/resize[2]"});
  CHECK(timers == std::vector<std::string>{"pause/cool_off"});
  CHECK(children == std::vector<std::string>{"welcome"});
  // Recorded once per run, as the SDKs do; the UI shows what follows the dash.
  CHECK(sdks == std::vector<std::pair<std::string, std::string>>{{"temporal-weft", WEFT_VERSION}});

  // The run's own summary and details, and the child's, which its parent gave it.
  auto describe = [&](const std::string& workflow_id) {
    workflowservice::DescribeWorkflowExecutionRequest describe_request;
    describe_request.set_namespace_("default");
    describe_request.mutable_execution()->set_workflow_id(workflow_id);
    auto described =
        (*connection)
            ->Call(&Stub::DescribeWorkflowExecution, "DescribeWorkflowExecution", describe_request);
    REQUIRE(described);
    return described->execution_config().user_metadata();
  };
  const auto run = describe(id);
  CHECK(Summary(run) == "story v2");
  REQUIRE(run.has_details());
  const std::string run_details = weft::temporal::FromPayload(run.details())->get<std::string>();
  CHECK(run_details.starts_with("story v2 (weft, sha256 "));
  CHECK(run_details.ends_with("Makes thumbnails, then waits for approval."));
  CHECK(Summary(describe(child_id)) == "welcome");
}
