#include "runtime/temporal/history_replayer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "runtime/temporal/definition_interpreter_factory.h"
#include "runtime/temporal/workflow_run.h"
#include "runtime/temporal/workflow_task_splitter.h"
#include "runtime/temporal/workflow_worker.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace weft::temporal {
namespace {

namespace enums = ::temporal::api::enums::v1;
using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

// "WorkflowTaskStarted" -> "WORKFLOW_TASK_STARTED".
std::string UpperSnake(const std::string& pascal) {
  std::string out;
  for (std::size_t i = 0; i < pascal.size(); ++i) {
    const unsigned char c = pascal[i];
    if (i > 0 && std::isupper(c) && !std::isupper(static_cast<unsigned char>(pascal[i - 1]))) {
      out += '_';
    }
    out += static_cast<char>(std::toupper(c));
  }
  return out;
}

// Older exports (tctl, the UI's download before 2.x, sdk-go's tests) spell enum values the Go
// way: "WorkflowTaskStarted" for EVENT_TYPE_WORKFLOW_TASK_STARTED. Rewrites them, guided by
// the message descriptors, to the names proto3 JSON expects; values that are already right
// are left alone.
void FixEnumSpellings(nlohmann::json& value, const Descriptor& descriptor) {
  if (!value.is_object()) return;
  for (auto& [key, field_value] : value.items()) {
    const FieldDescriptor* field = descriptor.FindFieldByName(key);
    for (int i = 0; field == nullptr && i < descriptor.field_count(); ++i) {
      if (descriptor.field(i)->json_name() == key) field = descriptor.field(i);
    }
    if (field == nullptr) continue;
    auto fix = [&](nlohmann::json& element) {
      if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
        if (field->is_map()) {
          const FieldDescriptor* map_value = field->message_type()->map_value();
          if (map_value->type() != FieldDescriptor::TYPE_MESSAGE || !element.is_object()) return;
          for (auto& [map_key, entry] : element.items()) {
            FixEnumSpellings(entry, *map_value->message_type());
          }
          return;
        }
        FixEnumSpellings(element, *field->message_type());
      } else if (field->type() == FieldDescriptor::TYPE_ENUM && element.is_string()) {
        const EnumDescriptor& enumeration = *field->enum_type();
        const std::string name = element.get<std::string>();
        if (enumeration.FindValueByName(name) != nullptr) return;
        // Every Temporal enum's first value is <PREFIX>UNSPECIFIED.
        std::string prefix = enumeration.value(0)->name();
        prefix.resize(prefix.size() - std::string_view("UNSPECIFIED").size());
        if (const auto* fixed = enumeration.FindValueByName(prefix + UpperSnake(name))) {
          element = fixed->name();
        }
      }
    };
    if (field->is_repeated() && !field->is_map() && field_value.is_array()) {
      for (auto& element : field_value) fix(element);
    } else {
      fix(field_value);
    }
  }
}

}  // namespace

struct HistoryReplayer::History {
  ::temporal::api::history::v1::History proto;
};

std::expected<HistoryReplayer, std::string> HistoryReplayer::FromJson(std::string_view json) {
  nlohmann::json document = nlohmann::json::parse(json, nullptr, false);
  if (document.is_discarded()) return std::unexpected("the history is not JSON");
  if (!document.is_object() || !document.contains("events")) {
    return std::unexpected(
        "the history has no \"events\": expected what `temporal workflow show -o json` prints");
  }
  auto history = std::make_unique<History>();
  FixEnumSpellings(document, *history->proto.GetDescriptor());
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // fields of newer servers than the pinned API
  auto status =
      google::protobuf::util::JsonStringToMessage(document.dump(), &history->proto, options);
  if (!status.ok()) {
    return std::unexpected("the history does not parse: " + std::string(status.message()));
  }
  if (history->proto.events().empty()) return std::unexpected("the history has no events");
  return HistoryReplayer(std::move(history));
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
  auto definition = ResolveDefinition(
      RunOrigin{.workflow_type = report.workflow_type, .definition_pin = FindDefinitionPin(events)},
      catalog.get());
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
