// FailureCodec: the one JSON form of an interpreter Failure. The embedded journal stores it,
// `weft result` and `weft show` print it on both engines (the Temporal client turns the
// server's Failure proto into an interpreter Failure first), the dry run reports it and MCP
// returns it, so a failure reads the same wherever a person or an agent meets it:
//
//   {"kind": "activity", "type": "CardDeclined", "message": "...",
//    "step": "charge_payment", "compensations": ["compensate reserve_stock"],
//    "info": {"activity_type": "payments.charge", "activity_id": "1", "attempt": 3, ...},
//    "cause": {"kind": "application", "type": "CardDeclined", "message": "...",
//              "non_retryable": true, "details": ...}}
//
// Only what is set appears: "details", "non_retryable", "source", "stack_trace", "step",
// "compensations", "info" and "cause" are left out when empty. "step" and "compensations" are
// a run's own failure's (interpreter/failure.h); "info.attempt" is the attempt of an activity
// that failed for good. Reading never throws: what is not an object becomes an
// application failure whose message is the text.
//
// Pure functions; thread-safe.
#ifndef WEFT_RUNTIME_RUN_FAILURE_CODEC_H_
#define WEFT_RUNTIME_RUN_FAILURE_CODEC_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "runtime/interpreter/failure.h"

namespace weft::run {

nlohmann::json FailureToJson(const interpreter::Failure& failure);
interpreter::Failure FailureFromJson(const nlohmann::json& json);

// "application", "timeout", "cancelled", "terminated", "activity", "child_workflow",
// "non_determinism".
std::string_view FailureKindName(interpreter::Failure::Kind kind);

}  // namespace weft::run

#endif  // WEFT_RUNTIME_RUN_FAILURE_CODEC_H_
