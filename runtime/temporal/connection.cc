#include "runtime/temporal/connection.h"

#include <unistd.h>

#include <array>

#include "runtime/temporal/message_codec.h"

namespace weft::temporal {

std::string RpcError::ToString() const {
  std::string text = method.empty() ? std::string("temporal") : method;
  text += ": ";
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
      text += "server unavailable";
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      text += "deadline exceeded";
      break;
    case grpc::StatusCode::NOT_FOUND:
      text += "not found";
      break;
    case grpc::StatusCode::INVALID_ARGUMENT:
      text += "invalid argument";
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      text += "unauthenticated";
      break;
    case grpc::StatusCode::PERMISSION_DENIED:
      text += "permission denied";
      break;
    case grpc::StatusCode::DATA_LOSS:
      text += "payload codec";
      break;
    default:
      text += "gRPC status " + std::to_string(static_cast<int>(code));
  }
  if (!message.empty()) text += " (" + message + ")";
  return text;
}

std::string DefaultIdentity() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::to_string(getpid()) + "@" + host.data();
}

std::unique_ptr<grpc::ClientContext> Connection::NewCallContext(
    std::chrono::milliseconds timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  // An unknown client-name is accepted by the server; a known one would be version-checked.
  context->AddMetadata("client-name", "weft");
  context->AddMetadata("client-version", WEFT_VERSION);
  context->AddMetadata("temporal-namespace", options().namespace_name);
  if (!options().api_key.empty()) {
    context->AddMetadata("authorization", "Bearer " + options().api_key);
  }
  return context;
}

std::unique_ptr<grpc::ClientContext> Connection::NewPollContext() const {
  auto context = NewCallContext(kLongPollTimeout);
  context->set_wait_for_ready(true);
  return context;
}

std::optional<RpcError> Connection::EncodeRequest(std::string_view method_name,
                                                  google::protobuf::Message& request) const {
  if (!codec_) return std::nullopt;
  auto encoded = EncodeMessage(*codec_, request);
  if (encoded) return std::nullopt;
  return RpcError{grpc::StatusCode::DATA_LOSS, std::string(method_name),
                  "cannot encode the request: " + encoded.error()};
}

std::optional<RpcError> Connection::DecodeResponse(std::string_view method_name,
                                                   google::protobuf::Message& response) const {
  if (!codec_) return std::nullopt;
  auto decoded = DecodeMessage(*codec_, response);
  if (decoded) return std::nullopt;
  return RpcError{grpc::StatusCode::DATA_LOSS, std::string(method_name),
                  "cannot decode the answer: " + decoded.error()};
}

namespace {

// The gRPC code's name as sdk-core's status_code label writes it.
std::string_view StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

}  // namespace

void Connection::ObserveCall(std::string_view method_name, bool long_poll,
                             const grpc::Status& status,
                             std::chrono::steady_clock::time_point started) const {
  if (!metrics_) return;
  metrics_->Request(method_name, long_poll, status.ok() ? "" : StatusCodeName(status.error_code()),
                    std::chrono::steady_clock::now() - started);
}

}  // namespace weft::temporal
