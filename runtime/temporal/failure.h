// Temporal's Failure proto and the interpreter's Failure, both ways. The worker turns the
// failures in history into the interpreter's form and the interpreter's into the proto, as the
// SDKs write theirs; the client turns a run's failure into the interpreter's form, which
// runtime/run/failure_codec.h prints, so that `weft result` shows a failure the same way on
// both engines. What the server recorded survives the round trip: an activity's or a child's
// event ids, identity and retry state (in `info`), and each failure's `source`. What the proto
// has no field for (a run failure's step and compensations, an activity failure's attempt)
// travels in the proto's encoded_attributes, beside the message and stack trace that the SDKs
// read from there: a Python or Go client still sees a plain ApplicationError or ActivityError,
// and weft's client reads the same failure on both engines.
#ifndef WEFT_RUNTIME_TEMPORAL_FAILURE_H_
#define WEFT_RUNTIME_TEMPORAL_FAILURE_H_

#include <nlohmann/json.hpp>

#include "runtime/interpreter/failure.h"
#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/failure/v1/message.pb.h"

namespace weft::temporal {

using Failure = ::temporal::api::failure::v1::Failure;

// The interpreter's failure as the SDKs write theirs: source "weft" unless it came with one,
// ApplicationFailureInfo
// with type, non_retryable and details for application failures, so that a Python or Go
// client shows an ApplicationError with the same type.
Failure ToTemporalFailure(const interpreter::Failure& failure);

// A failure from history (an activity's, a child's, an update's) as the interpreter sees it.
// Payloads that do not decode become {"undecoded": "<why>"} in details.
interpreter::Failure FromTemporalFailure(const Failure& failure);

// "MAXIMUM_ATTEMPTS_REACHED" for RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED: the name `info` uses.
std::string RetryStateName(::temporal::api::enums::v1::RetryState state);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_FAILURE_H_
