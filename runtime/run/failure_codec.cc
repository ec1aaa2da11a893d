#include "runtime/run/failure_codec.h"

#include <array>
#include <memory>
#include <string>
#include <utility>

namespace weft::run {
namespace {

using interpreter::Failure;
using Kind = Failure::Kind;
using nlohmann::json;

// Part of the journal's format: never rename one.
constexpr std::array<std::pair<Kind, std::string_view>, 7> kKindNames{{
    {Kind::kApplication, "application"},
    {Kind::kTimeout, "timeout"},
    {Kind::kCancelled, "cancelled"},
    {Kind::kTerminated, "terminated"},
    {Kind::kActivity, "activity"},
    {Kind::kChildWorkflow, "child_workflow"},
    {Kind::kNonDeterminism, "non_determinism"},
}};

Kind KindFromName(std::string_view text) {
  for (const auto& [value, name] : kKindNames) {
    if (name == text) return value;
  }
  return Kind::kApplication;
}

// A failure's JSON may come from a damaged journal, and each cause read is a C++ frame: a row
// nested 200,000 causes deep overflowed the stack (reproduced with tests/fuzz's journal_codec
// target). Real chains are a few levels (a child's activity's error); deeper causes are left
// out, and the deepest kept says so.
constexpr int kMaxCauseDepth = 64;

Failure FailureFromJsonAt(const json& value, int depth);

}  // namespace

std::string_view FailureKindName(Kind kind) {
  for (const auto& [value, name] : kKindNames) {
    if (value == kind) return name;
  }
  return "application";
}

json FailureToJson(const Failure& failure) {
  json out = {{"kind", FailureKindName(failure.kind)},
              {"type", failure.type},
              {"message", failure.message}};
  if (!failure.details.is_null()) out["details"] = failure.details;
  if (failure.non_retryable) out["non_retryable"] = true;
  if (failure.source && !failure.source->empty()) out["source"] = *failure.source;
  if (!failure.stack_trace.empty()) out["stack_trace"] = failure.stack_trace;
  if (!failure.step.empty()) out["step"] = failure.step;
  if (!failure.compensations.empty()) out["compensations"] = failure.compensations;
  if (!failure.info.is_null() && !failure.info.empty()) out["info"] = failure.info;
  if (failure.cause) out["cause"] = FailureToJson(*failure.cause);
  return out;
}

Failure FailureFromJson(const json& value) { return FailureFromJsonAt(value, 0); }

namespace {

Failure FailureFromJsonAt(const json& value, int depth) {
  Failure failure;
  if (!value.is_object()) {
    failure.message = value.is_string() ? value.get<std::string>() : value.dump();
    return failure;
  }
  auto text = [&](const char* key) {
    auto found = value.find(key);
    return found != value.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  failure.kind = KindFromName(text("kind"));
  failure.type = text("type");
  failure.message = text("message");
  if (value.contains("source")) failure.source = text("source");
  failure.stack_trace = text("stack_trace");
  failure.step = text("step");
  if (auto found = value.find("compensations"); found != value.end() && found->is_array()) {
    for (const json& label : *found) {
      if (label.is_string()) failure.compensations.push_back(label.get<std::string>());
    }
  }
  if (auto found = value.find("details"); found != value.end()) failure.details = *found;
  if (auto found = value.find("info"); found != value.end()) failure.info = *found;
  if (auto found = value.find("non_retryable"); found != value.end() && found->is_boolean()) {
    failure.non_retryable = found->get<bool>();
  }
  if (auto found = value.find("cause"); found != value.end() && found->is_object()) {
    if (depth < kMaxCauseDepth) {
      failure.cause = std::make_shared<Failure>(FailureFromJsonAt(*found, depth + 1));
    } else {
      failure.message += " (its causes, nested deeper than " + std::to_string(kMaxCauseDepth) +
                         " levels, are left out)";
    }
  }
  return failure;
}

}  // namespace

}  // namespace weft::run
