// How a failed call of the clients (WorkflowClient, ScheduleClient) reads to their callers: the
// gRPC status as a ClientError kind, and a message that says which call failed and why.
// Internal to runtime/temporal (it sees gRPC); stateless.
#ifndef WEFT_RUNTIME_TEMPORAL_CLIENT_ERROR_H_
#define WEFT_RUNTIME_TEMPORAL_CLIENT_ERROR_H_

#include <string_view>

#include "runtime/temporal/connection.h"
#include "runtime/temporal/workflow_client.h"

namespace weft::temporal {

// `what` names the call ("start order-7", "describe schedule nightly").
ClientError FromRpc(const RpcError& error, std::string_view what);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_CLIENT_ERROR_H_
