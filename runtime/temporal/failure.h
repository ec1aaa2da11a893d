// Temporal's Failure as JSON, for people and for the language's `catch`: the chain a Python or
// Go client would show (WorkflowFailureError -> ActivityError -> ApplicationError) becomes
//   {"kind": "activity", "message": "Activity task failed", "activity_type": "charge", ...,
//    "cause": {"kind": "application", "type": "CardDeclined", "non_retryable": true,
//              "message": "...", "details": [...]}}
// Only fields that are set appear. Payloads inside (details) are decoded as JSON where they can
// be, and shown as their encoding otherwise.
#ifndef WEFT_RUNTIME_TEMPORAL_FAILURE_H_
#define WEFT_RUNTIME_TEMPORAL_FAILURE_H_

#include <nlohmann/json.hpp>

#include "temporal/api/failure/v1/message.pb.h"

namespace weft::temporal {

using Failure = ::temporal::api::failure::v1::Failure;

nlohmann::json FailureToJson(const Failure& failure);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_FAILURE_H_
