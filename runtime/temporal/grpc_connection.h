// GrpcConnection: the Connection of a real process, one gRPC channel to a Temporal frontend.
//
// A server that goes away is reconnected to with a backoff of at most kMaxReconnectBackoff, so
// that work resumes within about a second of its return; task polls wait for the channel to be
// ready instead of failing while it is not (Connection::NewPollContext), and
// WatchConnectivity() logs the loss and the return once for the whole process, where every
// poller would log each attempt.
//
// Thread-safe. The connection owns its channel, the generated stub and the CallLoop on which
// asynchronous calls complete; it outlives every call made on it.
#ifndef WEFT_RUNTIME_TEMPORAL_GRPC_CONNECTION_H_
#define WEFT_RUNTIME_TEMPORAL_GRPC_CONNECTION_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <expected>
#include <memory>
#include <mutex>

#include "runtime/temporal/call_loop.h"
#include "runtime/temporal/connection.h"
#include "runtime/temporal/connection_options.h"

namespace weft::temporal {

// How long CheckServer() waits for a server that does not answer yet: a worker started together
// with its server gets the time to find it, a mistyped address fails within seconds.
inline constexpr std::chrono::seconds kServerCheckTimeout{5};

class GrpcConnection final : public Connection {
 public:
  // Creates the channel. Connecting is lazy: a dead server shows up as UNAVAILABLE on the first
  // call, not here. Fails only on options that cannot work, such as unreadable TLS files.
  static std::expected<std::shared_ptr<GrpcConnection>, RpcError> Open(ConnectionOptions options);
  // Waits for the calls in flight and the last watch of the channel (at most 250 ms).
  ~GrpcConnection() override;

  const ConnectionOptions& options() const override { return options_; }
  // Started on first use.
  CallLoop& loop() const override;

  // What the SDKs check before a worker starts: that a Temporal server answers at the address
  // (waiting up to `timeout` for it), that it accepts the credentials, and that the namespace
  // exists. The error says which, in words that point at the flag to fix.
  std::expected<void, RpcError> CheckServer(
      std::chrono::milliseconds timeout = kServerCheckTimeout) const;

  // Logs one warning when the channel loses the server and one line when it is back, watching
  // the channel from the CallLoop's thread until the connection goes. Workers call it once.
  void WatchConnectivity();

  // Whether the channel holds a connection to the server now, for the process's readiness.
  bool Connected() const { return channel_->GetState(false) == GRPC_CHANNEL_READY; }

  // The generated stub, for tests that call the server directly.
  WorkflowService::Stub& workflow_service() const { return *workflow_service_; }
  // The channel, for the stubs of the other services (OperatorService), whose calls take their
  // context from NewCallContext() like every other.
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  GrpcConnection(ConnectionOptions options, std::shared_ptr<grpc::Channel> channel);

  // What WatchConnectivity() knows of the channel; touched on the loop thread only, but
  // `stopping`, which the destructor sets.
  struct Connectivity {
    bool watching = false;
    std::atomic<bool> stopping{false};
    grpc_connectivity_state state = GRPC_CHANNEL_IDLE;
    bool connected = false;  // reached the server once
    bool lost = false;       // and lost it since, without being back
    std::chrono::steady_clock::time_point left_ready;
  };
  // Arms the next watch of the channel, unless the connection is going.
  void WatchFrom(grpc_connectivity_state state);
  void OnConnectivityChanged();

  grpc::Status Unary(std::string_view method_name, const google::protobuf::Message& request,
                     google::protobuf::Message& response, grpc::ClientContext& context,
                     const StubCall& on_stub) const override;
  void StartUnary(std::string_view method_name, const google::protobuf::Message& request,
                  const google::protobuf::Message& response_type,
                  std::unique_ptr<grpc::ClientContext> context, Finish finish,
                  AsyncStubCall on_stub) const override;

  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<WorkflowService::Stub> workflow_service_;
  Connectivity connectivity_;
  mutable std::once_flag loop_started_;
  mutable std::unique_ptr<CallLoop> loop_;  // last: it drains before the channel goes
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_GRPC_CONNECTION_H_
