#include "runtime/temporal/client_error.h"

#include <string>

namespace weft::temporal {

ClientError FromRpc(const RpcError& error, std::string_view what) {
  ClientError::Kind kind = ClientError::Kind::kOther;
  switch (error.code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      kind = ClientError::Kind::kUnavailable;
      break;
    case grpc::StatusCode::NOT_FOUND:
      kind = ClientError::Kind::kNotFound;
      break;
    case grpc::StatusCode::ALREADY_EXISTS:
      kind = ClientError::Kind::kAlreadyStarted;
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
      kind = ClientError::Kind::kInvalidArgument;
      break;
    default:
      break;
  }
  std::string message = std::string(what) + ": ";
  if (kind == ClientError::Kind::kUnavailable) {
    message += "the Temporal server does not answer (" + error.ToString() + ")";
  } else {
    message += error.message.empty() ? error.ToString() : error.message;
  }
  return ClientError{kind, std::move(message), nullptr};
}

}  // namespace weft::temporal
