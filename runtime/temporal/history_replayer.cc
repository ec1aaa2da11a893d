#include "runtime/temporal/history_replayer.h"

#include <nlohmann/json.hpp>

#include "runtime/temporal/definition_interpreter_factory.h"
#include "runtime/temporal/message_codec.h"
#include "runtime/temporal/proto_json_reader.h"
#include "runtime/temporal/workflow_run.h"
#include "runtime/temporal/workflow_task_splitter.h"
#include "runtime/temporal/workflow_worker.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace weft::temporal {
namespace {

namespace enums = ::temporal::api::enums::v1;

}  // namespace

struct HistoryReplayer::History {
  ::temporal::api::history::v1::History proto;
};

std::expected<HistoryReplayer, std::string> HistoryReplayer::FromJson(std::string_view json,
                                                                      const PayloadCodec* codec) {
  auto history = std::make_unique<History>();
  auto read = ReadProtoJson(json, history->proto);
  if (read && !history->proto.events().empty()) {
    if (codec != nullptr) {
      if (auto decoded = DecodeMessage(*codec, history->proto); !decoded) {
        return std::unexpected("the history does not decode: " + decoded.error());
      }
    }
    return HistoryReplayer(std::move(history));
  }
  // Not a history: say how.
  nlohmann::json document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded()) return std::unexpected("the history is not JSON");
  if (!document.is_object() || !document.contains("events")) {
    return std::unexpected(
        "the history has no \"events\": expected what `temporal workflow show -o json` prints");
  }
  if (!read) return std::unexpected("the history does not parse: " + read.error());
  return std::unexpected("the history has no events");
}

HistoryReplayer::HistoryReplayer(std::unique_ptr<History> history) : history_(std::move(history)) {}
HistoryReplayer::HistoryReplayer(HistoryReplayer&&) noexcept = default;
HistoryReplayer& HistoryReplayer::operator=(HistoryReplayer&&) noexcept = default;
HistoryReplayer::~HistoryReplayer() = default;

std::int64_t HistoryReplayer::events() const { return history_->proto.events_size(); }

std::expected<ReplayReport, std::string> HistoryReplayer::Replay(
    const std::shared_ptr<const dsl::DefinitionCatalog>& catalog,
    const std::string& workflow_id) const {
  std::vector<const HistoryEvent*> events;
  events.reserve(history_->proto.events_size());
  for (const HistoryEvent& event : history_->proto.events()) events.push_back(&event);
  const HistoryEvent& first = *events.front();
  if (first.event_type() != enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) {
    return std::unexpected("the history does not start with WorkflowExecutionStarted (event " +
                           std::to_string(first.event_id()) + " is " +
                           enums::EventType_Name(first.event_type()) + ")");
  }
  const auto& started = first.workflow_execution_started_event_attributes();

  ReplayReport report{.workflow_type = started.workflow_type().name(),
                      .events = static_cast<std::int64_t>(events.size())};
  interpreter::PinnedDefinitions pinned;
  auto definition = ResolveDefinition(
      RunOrigin{.workflow_type = report.workflow_type, .definition_pin = FindDefinitionPin(events)},
      catalog.get(), pinned);
  if (!definition) return std::unexpected(definition.error());
  report.definition = (*definition)->name + " v" + std::to_string((*definition)->version) +
                      " sha256:" + (*definition)->sha256;

  auto tasks = SplitIntoWorkflowTasks(events);
  if (!tasks) return std::unexpected(tasks.error());
  WorkflowRun run(DefinitionInterpreter(std::move(*definition)), workflow_id,
                  started.original_execution_run_id(), started.task_queue().name());
  for (const LogicalWorkflowTask& task : *tasks) {
    // Only what a worker completed is checked: a last task still running (or never started)
    // has no commands to compare.
    if (!task.completed) break;
    if (auto applied = run.Apply(task); !applied) {
      report.divergence =
          ReplayReport::Divergence{applied.error().event_id, applied.error().message};
      return report;
    }
    ++report.workflow_tasks;
  }
  return report;
}

}  // namespace weft::temporal
