#include "runtime/client/embedded_client.h"

#include <thread>

#include "dsl/input_check.h"
#include "dsl/resolve_definition.h"
#include "runtime/embedded/bell_client.h"
#include "runtime/embedded/recovery.h"
#include "runtime/run/failure_codec.h"
#include "runtime/run/query_answers.h"

namespace weft::client {
namespace {

using embedded::RunRecord;
using nlohmann::json;

// The longest Result() waits at the engine's bell before it looks at the lease again.
constexpr std::chrono::seconds kBellWait{10};

ClientError Error(ClientError::Kind kind, std::string message, json failure = nullptr) {
  return {kind, std::move(message), std::move(failure)};
}

RunStatus StatusOf(embedded::RunStatus status) {
  switch (status) {
    case embedded::RunStatus::kPending:
      return RunStatus::kPending;
    case embedded::RunStatus::kRunning:
      return RunStatus::kRunning;
    case embedded::RunStatus::kCompleted:
      return RunStatus::kCompleted;
    case embedded::RunStatus::kFailed:
      return RunStatus::kFailed;
    case embedded::RunStatus::kCancelled:
      return RunStatus::kCancelled;
    case embedded::RunStatus::kTerminated:
      return RunStatus::kTerminated;
    case embedded::RunStatus::kContinuedAsNew:
      return RunStatus::kContinuedAsNew;
    case embedded::RunStatus::kTimedOut:
      return RunStatus::kTimedOut;
  }
  return RunStatus::kRunning;
}

json RunJson(const RunRecord& run) {
  json out = {{"run_id", run.run_id},
              {"workflow_id", run.workflow_id},
              {"name", run.name},
              {"version", run.pin.value("version", 0)},
              {"sha256", run.pin.value("sha256", "")},
              {"status", embedded::RunStatusName(run.status)},
              {"input", run.input},
              {"created_ms", run.created_ms},
              {"closed_ms", run.closed_ms}};
  if (!run.result.is_null()) out["result"] = run.result;
  if (!run.failure.is_null()) out["failure"] = run.failure;
  if (!run.parent_run_id.empty()) out["parent_run_id"] = run.parent_run_id;
  if (!run.continued_from.empty()) out["continued_from"] = run.continued_from;
  if (!run.continued_to.empty()) out["continued_to"] = run.continued_to;
  if (!run.search_attributes.empty()) out["search_attributes"] = run.search_attributes;
  if (!run.memo.empty()) out["memo"] = run.memo;
  return out;
}

RunSummary Summary(const RunRecord& run) {
  return {.execution = {run.workflow_id, run.run_id},
          .workflow = run.name,
          .status = StatusOf(run.status),
          .created_ms = run.created_ms,
          .closed_ms = run.closed_ms,
          .details = RunJson(run)};
}

std::string StatusLine(const RunRecord& run) {
  return "run " + run.run_id + " is " + std::string(embedded::RunStatusName(run.status));
}

}  // namespace

std::expected<std::unique_ptr<EmbeddedClient>, ClientError> EmbeddedClient::Open(
    EmbeddedClientOptions options) {
  auto journal = embedded::JournalClient::Open(options.journal);
  if (!journal) return std::unexpected(Error(ClientError::Kind::kUnavailable, journal.error()));
  return std::unique_ptr<EmbeddedClient>(
      new EmbeddedClient(std::move(options), std::move(*journal)));
}

std::expected<Started, ClientError> EmbeddedClient::Start(const StartRequest& request) {
  auto definition = dsl::ResolveDefinition(request.workflow, options_.workflows);
  if (!definition) {
    std::string message = definition.error().message;
    for (const auto& diagnostic : definition.error().diagnostics) {
      message += "\n  " + dsl::FormatDiagnostic(diagnostic);
    }
    return std::unexpected(Error(definition.error().not_found ? ClientError::Kind::kNotFound
                                                              : ClientError::Kind::kInvalidArgument,
                                 std::move(message)));
  }
  const dsl::Definition& loaded = **definition;
  if (auto checked = dsl::CheckInput(loaded.input_schema, request.input); !checked) {
    return std::unexpected(Error(ClientError::Kind::kInvalidArgument,
                                 loaded.name + ": " + dsl::DescribeInputErrors(checked.error())));
  }
  Started started;
  std::optional<RunRecord> run;
  if (request.reuse_unfinished && request.workflow_id.empty()) {
    auto unfinished = journal_.FindUnfinished(loaded.name, request.input);
    if (!unfinished) return std::unexpected(Error(ClientError::Kind::kOther, unfinished.error()));
    run = std::move(*unfinished);
    started.reused = run.has_value();
  }
  if (!run) {
    auto created = journal_.CreateRun(loaded, request.input, request.workflow_id);
    if (!created) {
      return std::unexpected(Error(created.error().find("already running") != std::string::npos
                                       ? ClientError::Kind::kAlreadyStarted
                                       : ClientError::Kind::kOther,
                                   created.error()));
    }
    run = std::move(*created);
  }
  started.execution = {run->workflow_id, run->run_id};
  if (options_.background_engine) {
    auto engine = embedded::StartBackgroundEngine(options_.journal, *options_.background_engine);
    if (!engine) return std::unexpected(Error(ClientError::Kind::kUnavailable, engine.error()));
  }
  return started;
}

std::expected<RunRecord, ClientError> EmbeddedClient::Find(const Execution& execution, bool open,
                                                           embedded::PinRead pin) {
  const std::string& id = execution.run_id.empty() ? execution.workflow_id : execution.run_id;
  auto latest = journal_.Latest(id, pin);
  if (!latest) return std::unexpected(Error(ClientError::Kind::kNotFound, latest.error()));
  if (open && embedded::IsClosed(latest->status)) {
    return std::unexpected(Error(ClientError::Kind::kClosed, StatusLine(*latest)));
  }
  return std::move(*latest);
}

std::expected<json, ClientError> EmbeddedClient::Deliver(const Execution& execution,
                                                         const std::string& kind,
                                                         const std::string& name,
                                                         const json& payload, bool answer,
                                                         bool* queued) {
  auto run = Find(execution, /*open=*/true);
  if (!run) return std::unexpected(run.error());
  auto id = journal_.Send(run->run_id, kind, name, payload);
  if (!id) return std::unexpected(Error(ClientError::Kind::kOther, id.error()));
  if (!answer && journal_.NoEngine()) {
    if (queued != nullptr) *queued = true;
    return json();
  }
  auto reply = journal_.AwaitReply(*id, options_.reply_timeout);
  if (!reply) return std::unexpected(Error(ClientError::Kind::kUnavailable, reply.error()));
  if (!reply->ok) {
    return std::unexpected(Error(
        ClientError::Kind::kRejected,
        kind + " " + name + " failed: " + reply->value.value("message", "refused"), reply->value));
  }
  return reply->value;
}

std::expected<Sent, ClientError> EmbeddedClient::Signal(const Execution& execution,
                                                        const std::string& signal,
                                                        const json& argument) {
  Sent sent;
  auto delivered = Deliver(execution, "signal", signal, argument, false, &sent.queued);
  if (!delivered) return std::unexpected(delivered.error());
  return sent;
}

std::expected<json, ClientError> EmbeddedClient::Query(const Execution& execution,
                                                       const std::string& query,
                                                       const json& argument) {
  // The whole pin: a closed run is answered from its definition.
  auto run = Find(execution, /*open=*/false, embedded::PinRead::kWhole);
  if (!run) return std::unexpected(run.error());
  if (!embedded::IsClosed(run->status)) {
    return Deliver(execution, "query", query, argument, true, nullptr);
  }
  // A closed run is answered here, as Temporal answers it by replaying its history: its
  // interpreter is rebuilt from the journal, so no engine needs to be running.
  auto instance = embedded::RebuildInstance(journal_.journal(), *run);
  if (!instance) {
    return std::unexpected(Error(ClientError::Kind::kOther,
                                 "run " + run->run_id + " cannot answer: " + instance.error()));
  }
  const auto interpret = [&instance](const interpreter::Activation& activation) {
    return (*instance)->Activate(activation);
  };
  const auto answers = run::AnswerQueries(interpret, run->closed_ms,
                                          {{.id = "1", .name = query, .payload = argument}});
  if (answers.empty()) return std::unexpected(Error(ClientError::Kind::kOther, "no answer"));
  if (answers.front().failure) {
    const json failure = run::FailureToJson(*answers.front().failure);
    return std::unexpected(
        Error(ClientError::Kind::kRejected,
              "query " + query + " failed: " + failure.value("message", "refused"), failure));
  }
  return answers.front().result.value_or(json());
}

std::expected<json, ClientError> EmbeddedClient::Update(const Execution& execution,
                                                        const std::string& update,
                                                        const json& argument) {
  return Deliver(execution, "update", update, argument, true, nullptr);
}

std::expected<Sent, ClientError> EmbeddedClient::Cancel(const Execution& execution,
                                                        const std::string& reason) {
  Sent sent;
  auto delivered = Deliver(execution, "cancel", reason, nullptr, false, &sent.queued);
  if (!delivered) return std::unexpected(delivered.error());
  return sent;
}

std::expected<Sent, ClientError> EmbeddedClient::Terminate(const Execution& execution,
                                                           const std::string& reason) {
  Sent sent;
  auto delivered = Deliver(execution, "terminate", reason, nullptr, false, &sent.queued);
  if (!delivered) return std::unexpected(delivered.error());
  return sent;
}

std::expected<Outcome, ClientError> EmbeddedClient::Result(const Execution& execution) {
  auto run = Find(execution, /*open=*/false);
  while (run && !embedded::IsClosed(run->status)) {
    if (journal_.NoEngine()) {
      return std::unexpected(
          Error(ClientError::Kind::kUnavailable,
                StatusLine(*run) + " and no engine is running it; start one with `weft resume`"));
    }
    // Woken by the engine when the run closes; the journal is polled only without a bell.
    if (embedded::bell::AwaitRun(options_.journal, run->run_id, kBellWait) ==
        embedded::bell::Answer::kNoBell) {
      std::this_thread::sleep_for(options_.poll);
    }
    run = Find({run->workflow_id, run->run_id}, /*open=*/false);
  }
  if (!run) return std::unexpected(run.error());
  return Outcome{.status = StatusOf(run->status),
                 .result = run->result,
                 .failure = run->failure,
                 .execution = {run->workflow_id, run->run_id}};
}

std::expected<RunSummary, ClientError> EmbeddedClient::Describe(const Execution& execution) {
  const std::string& id = execution.run_id.empty() ? execution.workflow_id : execution.run_id;
  auto run = journal_.Resolve(id);
  if (!run) return std::unexpected(Error(ClientError::Kind::kNotFound, run.error()));
  auto activations = journal_.journal().Activations(run->run_id);
  if (!activations) return std::unexpected(Error(ClientError::Kind::kOther, activations.error()));
  auto operations = journal_.journal().Operations(run->run_id);
  if (!operations) return std::unexpected(Error(ClientError::Kind::kOther, operations.error()));
  RunSummary summary = Summary(*run);
  summary.details["activations"] = json::array();
  for (const auto& a : *activations) {
    summary.details["activations"].push_back(
        {{"seq", a.seq}, {"time_ms", a.now_ms}, {"jobs", a.jobs}, {"commands", a.commands}});
  }
  summary.details["waiting_on"] = json::array();
  for (const auto& o : *operations) {
    json waiting = {{"kind", o.kind}, {"seq", o.seq}, {"due_ms", o.due_ms}, {"attempt", o.attempt}};
    // A retrying activity's last failure (activity_attempt.cc writes it), failure_codec JSON.
    if (o.data.is_object() && o.data.contains("last_failure")) {
      waiting["last_failure"] = o.data["last_failure"];
    }
    summary.details["waiting_on"].push_back(std::move(waiting));
  }
  return summary;
}

std::expected<RunSummary, ClientError> EmbeddedClient::Peek(const Execution& execution) {
  auto run = journal_.Resolve(execution.run_id.empty() ? execution.workflow_id : execution.run_id);
  if (!run) return std::unexpected(Error(ClientError::Kind::kNotFound, run.error()));
  return Summary(*run);
}

std::expected<std::vector<RunSummary>, ClientError> EmbeddedClient::List(const ListFilter& filter) {
  std::optional<embedded::RunStatus> status;
  if (filter.status) {
    // The names are one vocabulary on both sides.
    status = embedded::RunStatusFromName(RunStatusName(*filter.status));
    if (!status) return std::vector<RunSummary>{};
  }
  auto runs = journal_.journal().ListRuns(filter.limit, filter.workflow, status);
  if (!runs) return std::unexpected(Error(ClientError::Kind::kOther, runs.error()));
  std::vector<RunSummary> summaries;
  for (const RunRecord& run : *runs) summaries.push_back(Summary(run));
  return summaries;
}

std::expected<nlohmann::json, ClientError> EmbeddedClient::Activations(const Execution& execution) {
  auto described = Describe(execution);
  if (!described) return std::unexpected(described.error());
  return described->details.value("activations", nlohmann::json::array());
}

}  // namespace weft::client
