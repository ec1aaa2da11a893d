#include "runtime/temporal/local_activity_marker.h"

#include "runtime/run/failure_codec.h"

namespace weft::temporal {

using interpreter::ActivityResolution;

interpreter::RecordMarker ToMarker(const LocalActivityOutcome& outcome) {
  nlohmann::json data = {{"seq", outcome.seq},
                         {"activity_id", outcome.activity_id},
                         {"activity_type", outcome.activity_type},
                         {"attempt", outcome.attempt}};
  if (outcome.resolution.status == ActivityResolution::Status::kCompleted) {
    data["result"] = outcome.resolution.result;
  } else {
    data["failure"] = run::FailureToJson(outcome.resolution.failure);
  }
  return interpreter::RecordMarker{.name = std::string(kLocalActivityMarker),
                                   .data = std::move(data)};
}

std::expected<LocalActivityOutcome, std::string> FromMarkerData(const nlohmann::json& data) {
  auto field = [&](const char* name) -> const nlohmann::json* {
    if (!data.is_object()) return nullptr;
    auto found = data.find(name);
    return found == data.end() ? nullptr : &*found;
  };
  const nlohmann::json* seq = field("seq");
  const nlohmann::json* id = field("activity_id");
  const nlohmann::json* type = field("activity_type");
  if (seq == nullptr || !seq->is_number_unsigned() || id == nullptr || !id->is_string() ||
      type == nullptr || !type->is_string()) {
    return std::unexpected(std::string(kLocalActivityMarker) +
                           " marker: its data needs seq (a non-negative integer), activity_id and "
                           "activity_type (strings); it holds " +
                           data.dump());
  }
  LocalActivityOutcome outcome{.seq = seq->get<std::uint32_t>(),
                               .activity_id = id->get<std::string>(),
                               .activity_type = type->get<std::string>()};
  if (const nlohmann::json* attempt = field("attempt"); attempt && attempt->is_number_integer()) {
    outcome.attempt = attempt->get<std::int32_t>();
  }
  if (const nlohmann::json* result = field("result")) {
    outcome.resolution = {.status = ActivityResolution::Status::kCompleted, .result = *result};
  } else if (const nlohmann::json* failure = field("failure"); failure && failure->is_object()) {
    outcome.resolution = {.status = ActivityResolution::Status::kFailed,
                          .failure = run::FailureFromJson(*failure)};
  } else {
    return std::unexpected(std::string(kLocalActivityMarker) + " marker of activity " +
                           outcome.activity_id + ": its data has neither result nor failure");
  }
  return outcome;
}

}  // namespace weft::temporal
