// LocalActivityMarker: how a local activity's outcome is written into a Temporal history. A
// local activity (`local: true`) never reaches the server as a ScheduleActivityTask command:
// the worker runs it inside the workflow task, retrying it itself, and records only its final
// outcome, as a RecordMarker command, the way Temporal's SDKs do
// (docs/temporal-protocol.md#local-activities). On replay the marker stands in for the
// activity: it resolves the activity without running it again.
//
// The marker is named kLocalActivityMarker; its "data" detail is one JSON object:
//   {"seq": 3, "activity_id": "3", "activity_type": "orders.reserve", "attempt": 2,
//    "result": ...}                  when the activity completed, or
//    "failure": {...}}               when it failed or timed out for good (run/failure_codec.h)
//
// Pure functions; thread-safe.
#ifndef WEFT_RUNTIME_TEMPORAL_LOCAL_ACTIVITY_MARKER_H_
#define WEFT_RUNTIME_TEMPORAL_LOCAL_ACTIVITY_MARKER_H_

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runtime/interpreter/activation.h"
#include "runtime/interpreter/command.h"

namespace weft::temporal {

inline constexpr std::string_view kLocalActivityMarker = "weft.local_activity";

// A local activity that ended: completed, or failed after its last attempt.
struct LocalActivityOutcome {
  std::uint32_t seq = 0;
  std::string activity_id;
  std::string activity_type;
  std::int32_t attempt = 1;  // the last attempt
  interpreter::ActivityResolution resolution;
};

interpreter::RecordMarker ToMarker(const LocalActivityOutcome& outcome);

// The outcome a marker's data records, or what is wrong with it.
std::expected<LocalActivityOutcome, std::string> FromMarkerData(const nlohmann::json& data);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_LOCAL_ACTIVITY_MARKER_H_
