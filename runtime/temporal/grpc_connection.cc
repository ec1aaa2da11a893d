#include "runtime/temporal/grpc_connection.h"

#include <absl/synchronization/mutex.h>
#include <grpc/support/log.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "runtime/temporal/encryption_codec.h"
#include "runtime/temporal/tls_diagnosis.h"

namespace weft::temporal {
namespace {

// Clients and workers both receive whole histories in one message; the SDKs raise gRPC's 4 MiB
// default to 128 MiB (docs/temporal-protocol.md#message-sizes).
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
                                      "mutual TLS needs both a client certificate "
                                      "(--tls-cert-path) and its key (--tls-key-path)"});
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

std::expected<std::shared_ptr<GrpcConnection>, RpcError> GrpcConnection::Open(
    ConnectionOptions options) {
  // Debian builds abseil without NDEBUG, which leaves the deadlock detector of absl::Mutex on:
  // it records every lock gRPC takes in a global graph (3-6 % of a worker's CPU in perf).
  // Lock order is gRPC's business and is tested upstream.
  static const bool detector_off = [] {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
    // gRPC core logs each failed handshake or reconnection attempt to stderr, several a second;
    // what a user needs of them CheckServer() and the connectivity watcher say once. The rest
    // is for --log-level debug.
    gpr_set_log_function([](gpr_log_func_args* args) {
      spdlog::debug("grpc {}:{}: {}", args->file, args->line, args->message);
    });
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
  // Reconnect within a second of the server's return (kMaxReconnectBackoff).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(kMaxReconnectBackoff.count()));
  if (options.tls && !options.tls->server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls->server_name);
  }
  // Keys that cannot be read fail here, at start, as unreadable TLS files do.
  auto codec = MakePayloadCodec(options.encryption);
  if (!codec)
    return std::unexpected(RpcError{grpc::StatusCode::INVALID_ARGUMENT, "", codec.error()});
  auto channel = grpc::CreateCustomChannel(options.address, *credentials, args);
  std::shared_ptr<GrpcConnection> connection(
      new GrpcConnection(std::move(options), std::move(channel)));
  connection->set_payload_codec(std::move(*codec));
  return connection;
}

GrpcConnection::GrpcConnection(ConnectionOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      workflow_service_(WorkflowService::NewStub(channel_)) {}

CallLoop& GrpcConnection::loop() const {
  std::call_once(loop_started_, [this] { loop_ = std::make_unique<CallLoop>(); });
  return *loop_;
}

grpc::Status GrpcConnection::Unary(std::string_view /*method_name*/,
                                   const google::protobuf::Message& /*request*/,
                                   google::protobuf::Message& /*response*/,
                                   grpc::ClientContext& context, const StubCall& on_stub) const {
  return on_stub(*workflow_service_, context);
}

void GrpcConnection::StartUnary(std::string_view /*method_name*/,
                                const google::protobuf::Message& /*request*/,
                                const google::protobuf::Message& /*response_type*/,
                                std::unique_ptr<grpc::ClientContext> context, Finish finish,
                                AsyncStubCall on_stub) const {
  on_stub(*workflow_service_, loop(), std::move(context), std::move(finish));
}

std::expected<void, RpcError> GrpcConnection::CheckServer(std::chrono::milliseconds timeout) const {
  const std::string& address = options_.address;
  auto refused = [&](const RpcError& error) {
    return RpcError{error.code, error.method,
                    "the server at " + address +
                        " refused the credentials (--api-key, --tls-*): " + error.message};
  };
  WorkflowService::Stub& stub = *workflow_service_;
  ::temporal::api::workflowservice::v1::GetSystemInfoResponse info;
  auto context = NewCallContext(timeout);
  context->set_wait_for_ready(true);
  grpc::Status status = stub.GetSystemInfo(context.get(), {}, &info);
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    // Waiting for the channel hides why it never became ready; a call that fails fast says it.
    auto again =
        Call(&WorkflowService::Stub::GetSystemInfo, "GetSystemInfo",
             ::temporal::api::workflowservice::v1::GetSystemInfoRequest{}, std::chrono::seconds(1));
    status = again ? grpc::Status::OK
                   : grpc::Status(again.error().code == grpc::StatusCode::DEADLINE_EXCEEDED
                                      ? grpc::StatusCode::UNAVAILABLE
                                      : again.error().code,
                                  again.error().message);
  }
  if (!status.ok()) {
    RpcError error{status.error_code(), "GetSystemInfo", status.error_message()};
    if (error.code == grpc::StatusCode::UNAUTHENTICATED ||
        error.code == grpc::StatusCode::PERMISSION_DENIED) {
      return std::unexpected(refused(error));
    }
    // A TLS problem (a certificate, a missing client certificate, TLS on one side only) looks
    // like an unreachable server to gRPC; a handshake of our own says which.
    if (auto tls = DiagnoseTls(options_, std::chrono::seconds(3))) {
      error.message = *tls;
      return std::unexpected(error);
    }
    error.message =
        "no Temporal server answered at " + address + " within " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
        " s (--address): " + error.message;
    return std::unexpected(error);
  }
  ::temporal::api::workflowservice::v1::DescribeNamespaceRequest describe;
  describe.set_namespace_(options_.namespace_name);
  auto described =
      Call(&WorkflowService::Stub::DescribeNamespace, "DescribeNamespace", describe, timeout);
  if (!described) {
    RpcError error = described.error();
    if (error.code == grpc::StatusCode::NOT_FOUND) {
      error.message = "the server at " + address + " has no namespace `" + options_.namespace_name +
                      "` (--namespace; create it with `temporal operator " + "namespace create " +
                      options_.namespace_name + "`)";
      return std::unexpected(error);
    }
    if (error.code == grpc::StatusCode::UNAUTHENTICATED ||
        error.code == grpc::StatusCode::PERMISSION_DENIED) {
      return std::unexpected(refused(error));
    }
    return std::unexpected(error);
  }
  return {};
}

GrpcConnection::~GrpcConnection() {
  // The watch in flight sees this and arms no other; loop_, destroyed first of the members,
  // waits for it.
  connectivity_.stopping = true;
}

void GrpcConnection::WatchConnectivity() {
  // Only a server that was reached and then lost is worth a line: IDLE and CONNECTING come and
  // go on a healthy channel, and a server that never answered was reported by CheckServer().
  loop().After(std::chrono::milliseconds(0), [this] {
    if (std::exchange(connectivity_.watching, true)) return;
    connectivity_.state = channel_->GetState(/*try_to_connect=*/false);
    connectivity_.connected = connectivity_.state == GRPC_CHANNEL_READY;
    WatchFrom(connectivity_.state);
  });
}

void GrpcConnection::WatchFrom(grpc_connectivity_state state) {
  if (connectivity_.stopping) return;
  // A watch that ends without a change is armed again: its deadline bounds how long the
  // destructor waits for it.
  loop().WatchState(*channel_, state,
                    std::chrono::system_clock::now() + std::chrono::milliseconds(250),
                    [this](bool changed) {
                      if (changed) OnConnectivityChanged();
                      WatchFrom(connectivity_.state);
                    });
}

void GrpcConnection::OnConnectivityChanged() {
  Connectivity& c = connectivity_;
  const grpc_connectivity_state previous =
      std::exchange(c.state, channel_->GetState(/*try_to_connect=*/false));
  if (previous == GRPC_CHANNEL_READY) c.left_ready = std::chrono::steady_clock::now();
  if (c.state == GRPC_CHANNEL_READY) {
    if (c.lost) {
      spdlog::info(
          "the Temporal server at {} is back after {:.1f} s; polling again", options_.address,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - c.left_ready).count());
    }
    c.connected = true;
    c.lost = false;
  } else if (c.state == GRPC_CHANNEL_TRANSIENT_FAILURE && c.connected && !c.lost) {
    c.lost = true;
    spdlog::warn(
        "lost the connection to the Temporal server at {}; reconnecting (at least every {} ms), "
        "polls wait for it",
        options_.address, kMaxReconnectBackoff.count());
  }
}

}  // namespace weft::temporal
