// The workflow worker against a FakeConnection that plays the server: which runs it keeps in
// its cache and which it replays from the whole history, its sticky queue, queries in both of
// their forms, updates accepted, rejected and replayed, an answer the server refuses, a history
// the workflow does not match, and histories read in pages. The histories are canned
// (run_history.h) and the workflow is a small script, so each test states exactly what the
// server sent and checks what the worker answered. workflow_worker_test.cc runs the same worker
// against a real dev server. The SDKs' metrics of what it did (cache hits and misses,
// evictions, failed tasks) are read from its registry, and a connection with a payload codec
// sends the server only encrypted payloads.

#include <catch2/catch.hpp>
#include <memory>
#include <thread>

#include "runtime/metrics/prometheus_text.h"
#include "runtime/temporal/encryption_codec.h"
#include "runtime/temporal/message_codec.h"
#include "runtime/temporal/payload.h"
#include "runtime/temporal/workflow_worker.h"
#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/query.pb.h"
#include "temporal/api/enums/v1/task_queue.pb.h"
#include "temporal/api/update/v1/message.pb.h"
#include "tests/temporal/fake_connection.h"
#include "tests/temporal/run_history.h"

namespace {

namespace enums = ::temporal::api::enums::v1;
namespace interpreter = weft::interpreter;
namespace workflowservice = ::temporal::api::workflowservice::v1;
using nlohmann::json;
using weft::testing::FakeConnection;
using weft::testing::RunHistory;
using Answer = workflowservice::RespondWorkflowTaskCompletedRequest;
using HistoryRead = workflowservice::GetWorkflowExecutionHistoryRequest;
using namespace std::chrono_literals;

constexpr char kQueue[] = "orders";

// A counter: it starts a long timer, signals "add" add to it, the query "total" reads it, the
// update "add" adds and answers the new total (its validator rejects a negative amount), and
// the signal "finish" completes the run with the total. Its state lives in the script, so a run
// replayed from its history rebuilds it and a cached run keeps it.
struct Counter {
  std::int64_t total = 0;
  std::vector<interpreter::Command> operator()(const interpreter::Activation& activation) {
    std::vector<interpreter::Command> commands;
    for (const auto& job : activation.jobs) {
      if (std::holds_alternative<interpreter::StartWorkflow>(job)) {
        commands.push_back(interpreter::StartTimer{.seq = 1, .duration = 1h});
      } else if (const auto* signal = std::get_if<interpreter::SignalWorkflow>(&job)) {
        if (signal->name == "add") total += signal->payload.get<std::int64_t>();
        if (signal->name == "finish") commands.push_back(interpreter::CompleteWorkflow{total});
      } else if (const auto* update = std::get_if<interpreter::DoUpdate>(&job)) {
        const auto amount = update->payload.get<std::int64_t>();
        if (update->run_validator && amount < 0) {
          commands.push_back(interpreter::RejectUpdate{
              .id = update->id,
              .failure = {.type = "InvalidAmount", .message = "amount must not be negative"}});
          continue;
        }
        commands.push_back(interpreter::AcceptUpdate{.id = update->id});
        total += amount;
        commands.push_back(interpreter::CompleteUpdate{.id = update->id, .result = total});
      } else if (const auto* query = std::get_if<interpreter::QueryWorkflow>(&job)) {
        if (query->name == "total") {
          commands.push_back(interpreter::RespondToQuery{.id = query->id, .result = total});
        } else {
          commands.push_back(interpreter::RespondToQuery{
              .id = query->id,
              .failure = interpreter::Failure{.type = "UnknownQuery",
                                              .message = "no query named " + query->name}});
        }
      }
    }
    return commands;
  }
};

// A WorkflowWorker of Counter runs on the fake server, from a thread of its own, until the test
// ends.
class WorkerOnFakeServer {
 public:
  // With `codec`, the connection encodes what the worker sends and decodes what it reads.
  explicit WorkerOnFakeServer(int max_cached_runs,
                              std::shared_ptr<const weft::temporal::PayloadCodec> codec = nullptr)
      : server_(std::make_shared<FakeConnection>()),
        registry_(std::make_shared<weft::metrics::MetricsRegistry>()),
        worker_((server_->set_payload_codec(std::move(codec)), server_),
                weft::temporal::WorkflowWorkerOptions{
                    .task_queue = kQueue,
                    .max_cached_runs = max_cached_runs,
                    .metrics = std::make_shared<weft::metrics::SdkMetrics>(
                        registry_, server_->options().namespace_name, kQueue)},
                [](const weft::temporal::RunOrigin&)
                    -> std::expected<weft::temporal::WorkflowRun::Interpreter, std::string> {
                  return Counter{};
                }),
        thread_([this] { worker_.Run(); }) {}

  ~WorkerOnFakeServer() {
    worker_.Stop();
    server_->EndPolls();
    thread_.join();
  }

  FakeConnection& server() { return *server_; }
  const weft::temporal::WorkflowWorker& worker() const { return worker_; }

  // Hands `task` of `history`'s run to the poll of `queue`, with the run's history for the
  // worker to read, and returns the worker's answer, which history then records.
  Answer Hand(RunHistory& history, RunHistory::WorkflowTask task,
              const std::string& queue = kQueue) {
    server_->SetHistory(history.run_id(), history.history());
    server_->AddWorkflowTask(queue, std::move(task));
    Answer answer = server_->Next<Answer>();
    history.Complete(answer);
    return answer;
  }

  // The worker's sticky queue, as its polls name it.
  std::string StickyQueue() {
    for (int waited_ms = 0; waited_ms < 10'000; waited_ms += 10) {
      for (const auto& poll : server_->All<workflowservice::PollWorkflowTaskQueueRequest>()) {
        if (poll.task_queue().kind() == enums::TASK_QUEUE_KIND_STICKY) {
          return poll.task_queue().name();
        }
      }
      std::this_thread::sleep_for(10ms);
    }
    FAIL("the worker polls no sticky queue");
    return "";
  }

  // How many times the worker read a run's history from the server.
  std::size_t HistoryReads() const { return server_->All<HistoryRead>().size(); }

  // The value of a metric's series once it is `expected`, or after a second its value then
  // (-1: none). The worker records some metrics when the server's reply to its answer comes
  // back, a moment after the fake has the answer.
  double Metric(const std::string& name, const std::string& more_labels, double expected) const {
    double value = MetricNow(name, more_labels);
    for (int waited_ms = 0; value != expected && waited_ms < 1000; waited_ms += 10) {
      std::this_thread::sleep_for(10ms);
      value = MetricNow(name, more_labels);
    }
    return value;
  }

  // The value of a metric's series, as /metrics would write it ("temporal_sticky_cache_miss"
  // with the labels after it), or -1 when the series has no value yet.
  double MetricNow(const std::string& name, const std::string& more_labels) const {
    const std::string series = name + "{namespace=\"" + server_->options().namespace_name +
                               "\",task_queue=\"" + kQueue + "\"" +
                               (more_labels.empty() ? "" : "," + more_labels) + "} ";
    const std::string text = weft::metrics::WritePrometheusText(registry_->Snapshot());
    const auto at = text.find("\n" + series);
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + 1 + series.size()));
  }

 private:
  std::shared_ptr<FakeConnection> server_;
  std::shared_ptr<weft::metrics::MetricsRegistry> registry_;
  weft::temporal::WorkflowWorker worker_;
  std::thread thread_;
};

std::vector<enums::CommandType> CommandTypes(const Answer& answer) {
  std::vector<enums::CommandType> types;
  for (const auto& command : answer.commands()) types.push_back(command.command_type());
  return types;
}

json Decode(const weft::temporal::Payloads& payloads) {
  auto value = weft::temporal::FromPayloads(payloads);
  REQUIRE(value);
  return *value;
}

json CompletedResult(const Answer& answer) {
  REQUIRE(answer.commands_size() > 0);
  const auto& last = answer.commands(answer.commands_size() - 1);
  REQUIRE(last.command_type() == enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
  return Decode(last.complete_workflow_execution_command_attributes().result());
}

}  // namespace

TEST_CASE("a cached run continues from the events of its sticky tasks, reading no history") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/10);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  CHECK(CommandTypes(worker.Hand(run, run.FullTask())) ==
        std::vector{enums::COMMAND_TYPE_START_TIMER});

  const std::string sticky = worker.StickyQueue();
  run.Signal("add", 5);
  // Only the events since the answer: WorkflowTaskCompleted, TimerStarted, the signal and the
  // new task's two events.
  RunHistory::WorkflowTask task = run.StickyTask();
  CHECK(task.history().events(0).event_id() == 4);
  CHECK(worker.Hand(run, std::move(task), sticky).commands().empty());

  run.Signal("finish", nullptr);
  CHECK(CompletedResult(worker.Hand(run, run.StickyTask(), sticky)) == 5);
  CHECK(worker.HistoryReads() == 0);
  CHECK(worker.worker().full_replays() == 1);  // the first task only
  CHECK(worker.server().All<workflowservice::RespondWorkflowTaskFailedRequest>().empty());
}

TEST_CASE("a sticky task of a run the cache no longer holds reads the whole history and replays") {
  // Room for one run: the second run's task evicts the first.
  WorkerOnFakeServer worker(/*max_cached_runs=*/1);
  RunHistory first("counter-1", "run-1", "counter", nullptr);
  RunHistory second("counter-2", "run-2", "counter", nullptr);
  worker.Hand(first, first.FullTask());
  first.Signal("add", 2);
  worker.Hand(first, first.StickyTask(), worker.StickyQueue());
  worker.Hand(second, second.FullTask());
  REQUIRE(worker.HistoryReads() == 0);

  // The sticky task carries only the events since the last answer; the worker needs the run's
  // whole history to rebuild it.
  first.Signal("add", 3);
  first.Signal("finish", nullptr);
  const Answer answer = worker.Hand(first, first.StickyTask(), worker.StickyQueue());
  const auto reads = worker.server().All<HistoryRead>();
  REQUIRE(reads.size() == 1);
  CHECK(reads[0].execution().run_id() == "run-1");
  CHECK(reads[0].next_page_token().empty());  // from the first event
  CHECK(CompletedResult(answer) == 5);        // the replayed signal counted once, the new ones too
  CHECK(worker.worker().full_replays() == 3);
  CHECK(worker.server().All<workflowservice::RespondWorkflowTaskFailedRequest>().empty());

  CHECK(worker.Metric("temporal_sticky_cache_hit", "workflow_type=\"counter\"", 1) == 1);
  CHECK(worker.Metric("temporal_sticky_cache_miss", "", 1) == 1);
  // The second run pushed the first out; the first, back, closed: the second stays.
  CHECK(worker.Metric("temporal_sticky_cache_total_forced_eviction", "", 1) == 1);
  CHECK(worker.Metric("temporal_sticky_cache_size", "", 1) == 1);
}

TEST_CASE("the cache evicts the run used least recently") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/2);
  RunHistory a("counter-a", "run-a", "counter", nullptr);
  RunHistory b("counter-b", "run-b", "counter", nullptr);
  RunHistory c("counter-c", "run-c", "counter", nullptr);
  worker.Hand(a, a.FullTask());
  worker.Hand(b, b.FullTask());
  a.Signal("add", 1);
  worker.Hand(a, a.StickyTask(), worker.StickyQueue());  // a is now used more recently than b
  worker.Hand(c, c.FullTask());                          // a third run: b goes
  REQUIRE(worker.HistoryReads() == 0);

  a.Signal("add", 1);
  worker.Hand(a, a.StickyTask(), worker.StickyQueue());
  CHECK(worker.HistoryReads() == 0);  // a stayed

  b.Signal("add", 1);
  worker.Hand(b, b.StickyTask(), worker.StickyQueue());
  const auto reads = worker.server().All<HistoryRead>();
  REQUIRE(reads.size() == 1);
  CHECK(reads[0].execution().run_id() == "run-b");
}

TEST_CASE("a worker with a cache asks for its sticky queue on every answer and polls it") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/10);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  const Answer answer = worker.Hand(run, run.FullTask());
  const std::string sticky = worker.StickyQueue();

  REQUIRE(answer.has_sticky_attributes());
  const auto& attributes = answer.sticky_attributes();
  CHECK(attributes.worker_task_queue().name() == sticky);
  CHECK(attributes.worker_task_queue().kind() == enums::TASK_QUEUE_KIND_STICKY);
  CHECK(attributes.worker_task_queue().normal_name() == kQueue);
  CHECK(attributes.schedule_to_start_timeout().seconds() == 10);
  CHECK(sticky != kQueue);
  CHECK(worker.server().WaitForPoll(sticky));

  // Its next task comes from the sticky queue, and its answer asks for it again.
  run.Signal("add", 1);
  const Answer next = worker.Hand(run, run.StickyTask(), sticky);
  CHECK(next.sticky_attributes().worker_task_queue().name() == sticky);
}

TEST_CASE("a worker without a cache asks for no sticky queue and replays every task") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/0);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  CHECK_FALSE(worker.Hand(run, run.FullTask()).has_sticky_attributes());
  run.Signal("add", 4);
  run.Signal("finish", nullptr);
  CHECK(CompletedResult(worker.Hand(run, run.FullTask())) == 4);
  CHECK(worker.worker().full_replays() == 2);
  for (const auto& poll : worker.server().All<workflowservice::PollWorkflowTaskQueueRequest>()) {
    CHECK(poll.task_queue().name() == kQueue);
    CHECK(poll.task_queue().kind() == enums::TASK_QUEUE_KIND_NORMAL);
  }
}

TEST_CASE("a legacy query task is answered with RespondQueryTaskCompleted, never a failed task") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/0);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  run.Signal("add", 7);
  worker.Hand(run, run.FullTask());

  worker.server().AddWorkflowTask(kQueue, run.QueryTask("total", nullptr));
  const auto answered = worker.server().Next<workflowservice::RespondQueryTaskCompletedRequest>();
  CHECK(answered.task_token() == "token-3");
  CHECK(answered.completed_type() == enums::QUERY_RESULT_TYPE_ANSWERED);
  CHECK(Decode(answered.query_result()) == 7);  // the state after the whole history

  worker.server().AddWorkflowTask(kQueue, run.QueryTask("nope", nullptr));
  const auto failed = worker.server().Next<workflowservice::RespondQueryTaskCompletedRequest>();
  CHECK(failed.completed_type() == enums::QUERY_RESULT_TYPE_FAILED);
  CHECK(failed.error_message() == "no query named nope");
  CHECK(failed.failure().message() == "no query named nope");

  // A query is no workflow task: nothing was completed or failed for it.
  CHECK(worker.server().All<Answer>().size() == 2);
  CHECK(worker.server().All<workflowservice::RespondWorkflowTaskFailedRequest>().empty());
}

TEST_CASE("a legacy query on a cached run is answered from the cache, which keeps the run") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/10);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  run.Signal("add", 3);
  worker.Hand(run, run.StickyTask(), worker.StickyQueue());

  RunHistory::WorkflowTask query = run.QueryTask("total", nullptr, /*sticky=*/true);
  REQUIRE(query.history().events().empty());  // nothing happened since the last answer
  worker.server().AddWorkflowTask(worker.StickyQueue(), std::move(query));
  const auto answered = worker.server().Next<workflowservice::RespondQueryTaskCompletedRequest>();
  CHECK(Decode(answered.query_result()) == 3);

  run.Signal("finish", nullptr);
  CHECK(CompletedResult(worker.Hand(run, run.StickyTask(), worker.StickyQueue())) == 3);
  CHECK(worker.HistoryReads() == 0);
  CHECK(worker.worker().full_replays() == 1);
}

TEST_CASE("queries riding on a workflow task are answered in its completion, after its events") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/10);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  run.Signal("add", 4);
  RunHistory::WorkflowTask task = run.StickyTask();
  (*task.mutable_queries())["q-total"].set_query_type("total");
  (*task.mutable_queries())["q-other"].set_query_type("other");

  const Answer answer = worker.Hand(run, std::move(task), worker.StickyQueue());
  CHECK(answer.commands().empty());  // queries never produce commands
  REQUIRE(answer.query_results().size() == 2);
  const auto& total = answer.query_results().at("q-total");
  CHECK(total.result_type() == enums::QUERY_RESULT_TYPE_ANSWERED);
  CHECK(Decode(total.answer()) == 4);  // the signal of the same task counted
  const auto& other = answer.query_results().at("q-other");
  CHECK(other.result_type() == enums::QUERY_RESULT_TYPE_FAILED);
  CHECK(other.error_message() == "no query named other");
  CHECK(worker.server().All<workflowservice::RespondQueryTaskCompletedRequest>().empty());
}

TEST_CASE("an update is accepted and completed in the answer to the task that brings it") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/10);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  run.Signal("add", 1);
  RunHistory::WorkflowTask task = run.StickyTask();
  RunHistory::AddUpdate(task, "update-1", "add", 2);

  const Answer answer = worker.Hand(run, std::move(task), worker.StickyQueue());
  // Each outcome is a protocol message, and a command marks where it happened among the others.
  CHECK(CommandTypes(answer) ==
        std::vector{enums::COMMAND_TYPE_PROTOCOL_MESSAGE, enums::COMMAND_TYPE_PROTOCOL_MESSAGE});
  CHECK(answer.commands(0).protocol_message_command_attributes().message_id() == "update-1/accept");
  CHECK(answer.commands(1).protocol_message_command_attributes().message_id() ==
        "update-1/complete");
  REQUIRE(answer.messages_size() == 2);
  ::temporal::api::update::v1::Acceptance acceptance;
  REQUIRE(answer.messages(0).body().UnpackTo(&acceptance));
  CHECK(answer.messages(0).protocol_instance_id() == "update-1");
  CHECK(acceptance.accepted_request_message_id() == "update-1/request");
  CHECK(acceptance.accepted_request().input().name() == "add");
  ::temporal::api::update::v1::Response response;
  REQUIRE(answer.messages(1).body().UnpackTo(&response));
  CHECK(response.meta().update_id() == "update-1");
  CHECK(Decode(response.outcome().success()) == 3);
}

TEST_CASE("an update its validator rejects leaves a rejection message and no command") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/10);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  run.Signal("add", 1);
  RunHistory::WorkflowTask task = run.StickyTask();
  RunHistory::AddUpdate(task, "update-1", "add", -5);

  const Answer answer = worker.Hand(run, std::move(task), worker.StickyQueue());
  CHECK(answer.commands().empty());
  REQUIRE(answer.messages_size() == 1);
  CHECK(answer.messages(0).id() == "update-1/reject");
  ::temporal::api::update::v1::Rejection rejection;
  REQUIRE(answer.messages(0).body().UnpackTo(&rejection));
  CHECK(rejection.rejected_request_message_id() == "update-1/request");
  CHECK(rejection.failure().message() == "amount must not be negative");
  CHECK(rejection.failure().application_failure_info().type() == "InvalidAmount");

  run.Signal("finish", nullptr);
  CHECK(CompletedResult(worker.Hand(run, run.StickyTask(), worker.StickyQueue())) == 1);
}

TEST_CASE("a replayed run rebuilds an accepted update from its history, without the validator") {
  // Without a cache every task replays the whole history, update events included.
  WorkerOnFakeServer worker(/*max_cached_runs=*/0);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  run.Signal("add", 1);
  RunHistory::WorkflowTask task = run.FullTask();
  RunHistory::AddUpdate(task, "update-1", "add", 2);
  worker.Hand(run, std::move(task));

  run.Signal("finish", nullptr);
  CHECK(CompletedResult(worker.Hand(run, run.FullTask())) == 3);
  CHECK(worker.server().All<workflowservice::RespondWorkflowTaskFailedRequest>().empty());
}

TEST_CASE("an answer the server refuses evicts the run; its next task replays the whole history") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/10);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  const std::string sticky = worker.StickyQueue();

  // The server fails the task (as when a signal arrived before a close command); the worker's
  // state now holds a task history will not have.
  run.Signal("add", 5);
  worker.server().FailNextCall("RespondWorkflowTaskCompleted", grpc::StatusCode::INVALID_ARGUMENT);
  worker.server().SetHistory(run.run_id(), run.history());
  worker.server().AddWorkflowTask(sticky, run.StickyTask());
  worker.server().Next<Answer>();
  run.TaskFailed(enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);

  // The next task carries the events since the task answered last, which the worker cannot
  // continue from: it reads the whole history and replays, counting the signal once.
  run.Signal("finish", nullptr);
  const Answer answer = worker.Hand(run, run.StickyTask(), sticky);
  CHECK(CompletedResult(answer) == 5);
  CHECK(worker.HistoryReads() == 1);
  CHECK(worker.worker().full_replays() == 2);
  CHECK(worker.server().All<workflowservice::RespondWorkflowTaskFailedRequest>().empty());
}

TEST_CASE("a task that comes before the reply to its run's answer waits for it, then continues") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/10);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  const std::string sticky = worker.StickyQueue();

  // The server takes the answer to the signal's task and hands out the next task at once; the
  // reply to the answer is still on its way.
  run.Signal("add", 4);
  worker.server().HoldNextReply("RespondWorkflowTaskCompleted");
  worker.Hand(run, run.StickyTask(), sticky);
  run.Signal("finish", nullptr);
  worker.server().SetHistory(run.run_id(), run.history());
  worker.server().AddWorkflowTask(sticky, run.StickyTask());
  CHECK_THROWS(worker.server().Next<Answer>(300ms));  // it waits for the reply

  worker.server().ReleaseHeld();
  const Answer answer = worker.server().Next<Answer>();
  CHECK(CompletedResult(answer) == 4);
  CHECK(worker.HistoryReads() == 0);  // continued from the cache, not replayed
  CHECK(worker.worker().full_replays() == 1);
  // The closed run is not put back by the late reply.
  CHECK(worker.Metric("temporal_sticky_cache_size", "", 0) == 0);
}

TEST_CASE("a history the workflow does not command fails the task as non-deterministic, once") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/10);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  // History says the first task scheduled an activity; the counter starts a timer.
  run.FullTask();
  Answer recorded;
  auto& command = *recorded.add_commands();
  command.set_command_type(enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK);
  command.mutable_schedule_activity_task_command_attributes()->set_activity_id("1");
  command.mutable_schedule_activity_task_command_attributes()->mutable_activity_type()->set_name(
      "charge");
  run.Complete(recorded);
  run.Signal("finish", nullptr);

  worker.server().SetHistory(run.run_id(), run.history());
  worker.server().AddWorkflowTask(kQueue, run.FullTask());
  const auto failed = worker.server().Next<workflowservice::RespondWorkflowTaskFailedRequest>();
  CHECK(failed.cause() == enums::WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR);
  CHECK(failed.failure().message().find("charge") != std::string::npos);
  CHECK(failed.failure().application_failure_info().type() == "NonDeterminismError");

  // The retried task (attempt 2) is not reported again, so that a broken run does not spin
  // between server and worker; it times out instead. The worker goes on serving other runs.
  RunHistory::WorkflowTask retried = run.FullTask();
  retried.set_attempt(2);
  worker.server().AddWorkflowTask(kQueue, std::move(retried));
  RunHistory other("counter-2", "run-2", "counter", nullptr);
  CHECK(CommandTypes(worker.Hand(other, other.FullTask())) ==
        std::vector{enums::COMMAND_TYPE_START_TIMER});
  CHECK(worker.server().All<workflowservice::RespondWorkflowTaskFailedRequest>().size() == 1);
  CHECK(worker.server().All<Answer>().size() == 1);  // the other run's only
  // Both attempts failed, reported or not.
  CHECK(worker.Metric("temporal_workflow_task_execution_failed",
                      "workflow_type=\"counter\",failure_reason=\"NonDeterminismError\"", 2) == 2);
  CHECK(worker.Metric("temporal_workflow_task_execution_latency_count", "workflow_type=\"counter\"",
                      1) == 1);  // the other run's task
}

TEST_CASE("a history longer than a page is read page by page, from the poll's token or the start") {
  WorkerOnFakeServer worker(/*max_cached_runs=*/1);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  for (int i = 1; i <= 6; ++i) {
    run.Signal("add", i);
    worker.Hand(run, run.StickyTask(), worker.StickyQueue());
  }

  SECTION("a full task whose poll response holds the first page only") {
    run.Signal("add", 100);
    RunHistory::WorkflowTask task = run.FullTask();
    const int total = task.history().events_size();
    // The first page in the poll response, the rest from GetWorkflowExecutionHistory in pages
    // of four, starting at the poll's token.
    task.mutable_history()->mutable_events()->DeleteSubrange(5, total - 5);
    task.set_next_page_token("5");
    worker.server().SetHistory(run.run_id(), run.history(), /*page_size=*/4);
    // Another run takes the cache's only place, so this task is not continued from it.
    RunHistory other("counter-2", "run-2", "counter", nullptr);
    worker.Hand(other, other.FullTask());
    worker.server().AddWorkflowTask(kQueue, std::move(task));
    Answer answer = worker.server().Next<Answer>();
    run.Complete(answer);
    const auto reads = worker.server().All<HistoryRead>();
    REQUIRE(static_cast<int>(reads.size()) == (total - 5 + 3) / 4);
    CHECK(reads.front().next_page_token() == "5");
    CHECK(reads.back().next_page_token() == std::to_string(5 + 4 * (reads.size() - 1)));
    run.Signal("finish", nullptr);
    CHECK(CompletedResult(worker.Hand(run, run.StickyTask(), worker.StickyQueue())) == 121);
  }

  SECTION("a sticky task of an evicted run reads every page from the first event") {
    RunHistory other("counter-2", "run-2", "counter", nullptr);
    worker.Hand(other, other.FullTask());  // evicts counter-1
    run.Signal("finish", nullptr);
    RunHistory::WorkflowTask task = run.StickyTask();
    worker.server().SetHistory(run.run_id(), run.history(), /*page_size=*/3);
    worker.server().AddWorkflowTask(worker.StickyQueue(), std::move(task));
    const Answer answer = worker.server().Next<Answer>();
    CHECK(CompletedResult(answer) == 21);
    const auto reads = worker.server().All<HistoryRead>();
    REQUIRE(reads.size() >= 2);
    CHECK(reads.front().next_page_token().empty());
    for (std::size_t i = 1; i < reads.size(); ++i) {
      CHECK(reads[i].next_page_token() == std::to_string(3 * i));
    }
  }
}

TEST_CASE("with a codec, the server sees only encrypted payloads and the worker plain ones") {
  auto keys = weft::temporal::EncryptionKeys::Parse(
      "k1 YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=", "keys");
  REQUIRE(keys);
  auto codec = std::make_shared<const weft::temporal::EncryptionCodec>(std::move(*keys));
  WorkerOnFakeServer worker(/*max_cached_runs=*/10, codec);
  RunHistory run("counter-1", "run-1", "counter", nullptr);
  worker.Hand(run, run.FullTask());
  // The signal's payload is encrypted as a client with the codec sends it: the worker reads it.
  run.Signal("add", 7);
  for (auto& event : *run.mutable_history().mutable_events()) {
    if (!event.has_workflow_execution_signaled_event_attributes()) continue;
    auto& input = *event.mutable_workflow_execution_signaled_event_attributes()->mutable_input();
    REQUIRE(input.payloads_size() == 1);
    REQUIRE(codec->Encode(*input.mutable_payloads(0)));
  }
  run.Signal("finish", nullptr);
  Answer answer = worker.Hand(run, run.StickyTask(), worker.StickyQueue());

  const auto& result =
      answer.commands(answer.commands_size() - 1).complete_workflow_execution_command_attributes();
  CHECK(result.result().payloads(0).metadata().at("encoding") == "binary/encrypted");
  REQUIRE(weft::temporal::DecodeMessage(*codec, answer));
  CHECK(CompletedResult(answer) == 7);
}
