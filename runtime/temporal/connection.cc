#include "runtime/temporal/connection.h"

#include <unistd.h>

#include <array>

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

}  // namespace weft::temporal
