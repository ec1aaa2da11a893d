// Temporal's Failure, in the two forms weft needs besides the proto: the interpreter's Failure
// (both ways, for the worker), and JSON for people (the client).
//
// As JSON, the chain a Python or
// Go client would show (WorkflowFailureError -> ActivityError -> ApplicationError) becomes
//   {"kind": "activity", "message": "Activity task failed", "activity_type": "charge", ...,
//    "cause": {"kind": "application", "type": "CardDeclined", "non_retryable": true,
//              "message": "...", "details": [...]}}
// Only fields that are set appear. Payloads inside (details) are decoded as JSON where they can
// be, and shown as their encoding otherwise.
#ifndef WEFT_RUNTIME_TEMPORAL_FAILURE_H_
#define WEFT_RUNTIME_TEMPORAL_FAILURE_H_

#include <nlohmann/json.hpp>

#include "runtime/interpreter/failure.h"
#include "temporal/api/failure/v1/message.pb.h"

namespace weft::temporal {

using Failure = ::temporal::api::failure::v1::Failure;

nlohmann::json FailureToJson(const Failure& failure);

// The interpreter's failure as the SDKs write theirs: source "weft", ApplicationFailureInfo
// with type, non_retryable and details for application failures, so that a Python or Go
// client shows an ApplicationError with the same type.
Failure ToTemporalFailure(const interpreter::Failure& failure);

// A failure from history (an activity's, a child's, an update's) as the interpreter sees it.
// Payloads that do not decode become {"undecoded": "<why>"} in details.
interpreter::Failure FromTemporalFailure(const Failure& failure);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_FAILURE_H_
