#include "runtime/temporal/connection.h"

#include <absl/synchronization/mutex.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <sstream>

namespace weft::temporal {
namespace {

// Clients and workers both receive whole histories in one message; the SDKs raise gRPC's 4 MiB
// default to 128 MiB (research/temporal-protocol.md §1.5).
constexpr int kMaxMessageBytes = 128 << 20;

std::expected<std::string, RpcError> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(RpcError{grpc::StatusCode::INVALID_ARGUMENT, "",
                                    "cannot read the " + std::string(what) + " " + path});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::expected<std::shared_ptr<grpc::ChannelCredentials>, RpcError> Credentials(
    const ConnectionOptions& options) {
  if (!options.tls && options.api_key.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  if (options.tls) {
    const TlsOptions& tls = *options.tls;
    if (!tls.server_ca_file.empty()) {
      auto ca = ReadFile(tls.server_ca_file, "server CA file");
      if (!ca) return std::unexpected(ca.error());
      ssl.pem_root_certs = *ca;
    }
    if (tls.client_cert_file.empty() != tls.client_key_file.empty()) {
      return std::unexpected(RpcError{grpc::StatusCode::INVALID_ARGUMENT, "",
                                      "mTLS needs both a client certificate and its key"});
    }
    if (!tls.client_cert_file.empty()) {
      auto cert = ReadFile(tls.client_cert_file, "client certificate");
      if (!cert) return std::unexpected(cert.error());
      auto key = ReadFile(tls.client_key_file, "client key");
      if (!key) return std::unexpected(key.error());
      ssl.pem_cert_chain = *cert;
      ssl.pem_private_key = *key;
    }
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

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

std::expected<std::shared_ptr<Connection>, RpcError> Connection::Open(ConnectionOptions options) {
  // Debian builds abseil without NDEBUG, which leaves the deadlock detector of absl::Mutex on:
  // it records every lock gRPC takes in a global graph (3-6 % of a worker's CPU in perf).
  // Lock order is gRPC's business and is tested upstream.
  static const bool detector_off = [] {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
    return true;
  }();
  (void)detector_off;
  if (options.identity.empty()) options.identity = DefaultIdentity();
  auto credentials = Credentials(options);
  if (!credentials) return std::unexpected(credentials.error());

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  // The Go SDK's keepalive: ping every 30 s, give up after 15 s, also between calls.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 15'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Temporal's calls are retried by the worker and the client themselves (polls loop, answers
  // are idempotent by task token); gRPC's own retry layer only adds a cost to every call.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  if (options.tls && !options.tls->server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls->server_name);
  }
  auto channel = grpc::CreateCustomChannel(options.address, *credentials, args);
  return std::shared_ptr<Connection>(new Connection(std::move(options), std::move(channel)));
}

Connection::Connection(ConnectionOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      workflow_service_(WorkflowService::NewStub(channel_)) {}

CallLoop& Connection::loop() const {
  std::call_once(loop_started_, [this] { loop_ = std::make_unique<CallLoop>(); });
  return *loop_;
}

std::unique_ptr<grpc::ClientContext> Connection::NewCallContext(
    std::chrono::milliseconds timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  // An unknown client-name is accepted by the server; a known one would be version-checked.
  context->AddMetadata("client-name", "weft");
  context->AddMetadata("client-version", WEFT_VERSION);
  context->AddMetadata("temporal-namespace", options_.namespace_name);
  if (!options_.api_key.empty()) {
    context->AddMetadata("authorization", "Bearer " + options_.api_key);
  }
  return context;
}

}  // namespace weft::temporal
