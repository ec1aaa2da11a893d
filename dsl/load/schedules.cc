#include "dsl/load/schedules.h"

#include <array>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/codes.h"
#include "dsl/input_check.h"

namespace weft::dsl::load {
namespace {

using Kind = SourceNode::Kind;

constexpr std::array<std::string_view, 6> kOverlapPolicies = {
    "skip", "buffer_one", "buffer_all", "cancel_other", "terminate_other", "allow_all"};

// `node` as a list of its items: one value, or each item of a sequence.
std::vector<const SourceNode*> OneOrMany(const SourceNode& node) {
  std::vector<const SourceNode*> items;
  if (node.kind == Kind::kSequence) {
    for (const SourceNode& item : node.items) items.push_back(&item);
  } else {
    items.push_back(&node);
  }
  return items;
}

// A cron string as Temporal reads it: five fields (minute hour day-of-month month
// day-of-week), six with a year last, seven with a second first and a year last; or a `@`
// shorthand (`@daily`, `@every 1h`). The fields themselves are checked where the schedule is
// made (runtime/schedule/schedule_calendar.h on the embedded engine, the server on Temporal).
bool LooksLikeCron(const std::string& text) {
  if (text.starts_with("@")) return text.size() > 1;
  std::istringstream fields(text);
  std::string field;
  int count = 0;
  while (fields >> field) ++count;
  return count >= 5 && count <= 7;
}

void LoadSchedule(LoaderContext& loader, const SourceNode& node, const Definition& definition,
                  std::set<std::string>& ids, std::vector<DeclaredSchedule>& out) {
  if (!loader.ExpectMapping(node, "a schedule")) return;
  loader.CheckKeys(node,
                   {"id", "cron", "interval", "time_zone", "jitter", "overlap", "catchup_window",
                    "pause_on_failure", "paused", "input"},
                   "a schedule");
  DeclaredSchedule schedule;
  const SourceNode* id = loader.Required(node, "id", "a schedule", "e.g. `id: nightly`");
  if (auto name = loader.Name(id, WorkflowNamePattern(), "schedule id",
                              "schedule ids are lowercase words joined by `-`: `nightly`")) {
    schedule.id = *name;
    if (!ids.insert(schedule.id).second) {
      loader.Error(codes::kDuplicateStepId, *id, "two schedules have the id `" + schedule.id + "`",
                   "each schedule of a definition needs an id of its own");
    }
  }
  if (const SourceNode* cron = node.Find("cron")) {
    for (const SourceNode* item : OneOrMany(*cron)) {
      auto text = loader.String(item, "`cron`");
      if (!text) continue;
      if (!LooksLikeCron(*text)) {
        loader.Error(codes::kInvalidValue, *item, "`" + *text + "` is not a cron string",
                     "five fields: minute hour day-of-month month day-of-week, e.g. "
                     "`0 9 * * MON-FRI`; or `@daily`, `@every 1h`");
        continue;
      }
      schedule.crons.push_back(*text);
    }
  }
  if (const SourceNode* interval = node.Find("interval")) {
    for (const SourceNode* item : OneOrMany(*interval)) {
      if (auto duration = loader.DurationOf(item)) {
        if (duration->count() < 1000) {
          loader.Error(codes::kInvalidValue, *item, "a schedule's interval is at least 1s",
                       "Temporal counts intervals in whole seconds");
          continue;
        }
        schedule.intervals.push_back(*duration);
      }
    }
  }
  if (schedule.crons.empty() && schedule.intervals.empty() && node.Find("cron") == nullptr &&
      node.Find("interval") == nullptr) {
    loader.Error(codes::kMissingKey, node, "a schedule needs `cron` or `interval`",
                 "e.g. `cron: \"0 2 * * *\"` or `interval: 1h`");
  }
  schedule.time_zone = loader.String(node.Find("time_zone"), "`time_zone`").value_or("");
  if (const SourceNode* jitter = node.Find("jitter")) {
    schedule.jitter = loader.DurationOf(jitter).value_or(Duration{0});
  }
  if (const SourceNode* overlap = node.Find("overlap")) {
    if (auto policy = loader.String(overlap, "`overlap`")) {
      if (std::find(kOverlapPolicies.begin(), kOverlapPolicies.end(), *policy) ==
          kOverlapPolicies.end()) {
        loader.Error(codes::kInvalidValue, *overlap, "`overlap` cannot be `" + *policy + "`",
                     "one of skip, buffer_one, buffer_all, cancel_other, terminate_other, "
                     "allow_all");
      } else {
        schedule.overlap = *policy;
      }
    }
  }
  if (const SourceNode* window = node.Find("catchup_window")) {
    schedule.catchup_window = loader.DurationOf(window);
  }
  schedule.pause_on_failure =
      loader.Boolean(node.Find("pause_on_failure"), "`pause_on_failure`").value_or(false);
  schedule.paused = loader.Boolean(node.Find("paused"), "`paused`").value_or(false);
  if (const SourceNode* input = node.Find("input")) {
    schedule.input = input->ToJson();
    if (auto checked = CheckInput(definition.input_schema, schedule.input); !checked) {
      loader.Error(codes::kInvalidValue, *input,
                   "the schedule's input does not match the workflow's `input` schema: " +
                       DescribeInputErrors(checked.error()),
                   "a scheduled run gets exactly this input");
    }
  } else if (auto checked = CheckInput(definition.input_schema, schedule.input); !checked) {
    loader.Error(codes::kMissingKey, node,
                 "the schedule has no `input`, and `{}` does not match the workflow's `input` "
                 "schema: " +
                     DescribeInputErrors(checked.error()),
                 "give the schedule the `input` its runs start with");
  }
  out.push_back(std::move(schedule));
}

}  // namespace

void LoadSchedules(LoaderContext& loader, const SourceNode& node, Definition& definition) {
  if (!loader.ExpectKind(node, Kind::kSequence, "`schedules`")) return;
  std::set<std::string> ids;
  for (const SourceNode& item : node.items) {
    LoadSchedule(loader, item, definition, ids, definition.schedules);
  }
}

}  // namespace weft::dsl::load
