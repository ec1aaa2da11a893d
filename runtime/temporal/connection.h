// A Connection is one gRPC channel to a Temporal frontend, together with how every call on it
// must be dressed: the metadata the server expects from an SDK (client-name, client-version,
// temporal-namespace, and authorization when an API key is set) and a deadline on every call,
// because the server rejects long polls that carry none (docs/temporal-protocol.md#connection).
//
// A server that goes away is reconnected to with a backoff of at most kMaxReconnectBackoff, so
// that work resumes within about a second of its return; task polls wait for the channel to be
// ready instead of failing while it is not (NewPollContext), and WatchConnectivity() logs the
// loss and the return once for the whole process, where every poller would log each attempt.
//
// Thread-safe: one Connection is shared by every poller and client call of a process; each call
// gets its own grpc::ClientContext from NewCallContext().
#ifndef WEFT_RUNTIME_TEMPORAL_CONNECTION_H_
#define WEFT_RUNTIME_TEMPORAL_CONNECTION_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <concepts>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "runtime/temporal/call_loop.h"
#include "runtime/temporal/connection_options.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"

namespace weft::temporal {

// Task long polls are held by the server for up to a minute; the SDKs give them 70 s.
inline constexpr std::chrono::seconds kLongPollTimeout{70};
// Every other call.
inline constexpr std::chrono::seconds kDefaultCallTimeout{30};
// gRPC waits up to 120 s between attempts to reach a server that went away; a worker must see
// it back sooner than that (the SDKs resume within seconds).
inline constexpr std::chrono::milliseconds kMaxReconnectBackoff{1000};
// How long CheckServer() waits for a server that does not answer yet: a worker started together
// with its server gets the time to find it, a mistyped address fails within seconds.
inline constexpr std::chrono::seconds kServerCheckTimeout{5};

// A failed call: the gRPC status, and the method it came from.
struct RpcError {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string method;
  std::string message;

  std::string ToString() const;
};

class Connection {
 public:
  using WorkflowService = ::temporal::api::workflowservice::v1::WorkflowService;

  // Creates the channel. Connecting is lazy: a dead server shows up as UNAVAILABLE on the first
  // call, not here. Fails only on options that cannot work, such as unreadable TLS files.
  static std::expected<std::shared_ptr<Connection>, RpcError> Open(ConnectionOptions options);

  // A context for one call: the headers above and a deadline `timeout` from now.
  std::unique_ptr<grpc::ClientContext> NewCallContext(
      std::chrono::milliseconds timeout = kDefaultCallTimeout) const;
  // A context for a task long poll: kLongPollTimeout, and it waits while the server is
  // unreachable rather than failing at once, so that it goes out the moment the server is back.
  std::unique_ptr<grpc::ClientContext> NewPollContext() const;

  // What the SDKs check before a worker starts: that a Temporal server answers at the address
  // (waiting up to `timeout` for it), that it accepts the credentials, and that the namespace
  // exists. The error says which, in words that point at the flag to fix.
  std::expected<void, RpcError> CheckServer(
      std::chrono::milliseconds timeout = kServerCheckTimeout) const;

  // Logs one warning when the channel loses the server and one line when it is back, from a
  // thread of its own that stops with the connection. Workers call it once.
  void WatchConnectivity();

  // Calls a unary WorkflowService method through the generated stub with a fresh context.
  //   auto info = connection->Call(&WorkflowService::Stub::GetSystemInfo, "GetSystemInfo", req);
  template <typename Request, typename Response>
  std::expected<Response, RpcError> Call(
      grpc::Status (WorkflowService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
      std::string_view method_name, const Request& request,
      std::chrono::milliseconds timeout = kDefaultCallTimeout) const {
    Response response;
    auto context = NewCallContext(timeout);
    grpc::Status status = (workflow_service_.get()->*method)(context.get(), request, &response);
    if (!status.ok()) {
      return std::unexpected(
          RpcError{status.error_code(), std::string(method_name), status.error_message()});
    }
    return response;
  }

  // Starts a unary call on the connection's CallLoop; `done` runs on the loop thread with the
  // response or the error. `context` comes from NewCallContext(); its owner may cancel it
  // until `done` has run.
  //   connection->CallAsync(&WorkflowService::Stub::PrepareAsyncRespondActivityTaskCompleted,
  //                         "RespondActivityTaskCompleted", NewCallContext(), request, done);
  template <typename Request, typename Response, typename Done>
  requires std::invocable<Done, std::expected<Response, RpcError>>
  void CallAsync(CallLoop::PrepareMethod<WorkflowService::Stub, Request, Response> method,
                 std::string_view method_name, std::unique_ptr<grpc::ClientContext> context,
                 const Request& request, Done done) const {
    loop().Start<WorkflowService::Stub, Request, Response>(
        *workflow_service_, method, std::move(context), request,
        [name = std::string(method_name), done = std::move(done)](const grpc::Status& status,
                                                                  Response& response) mutable {
          if (status.ok()) {
            done(std::move(response));
          } else {
            done(std::unexpected(RpcError{status.error_code(), name, status.error_message()}));
          }
        });
  }

  // The loop of CallAsync, started on first use.
  CallLoop& loop() const;

  WorkflowService::Stub& workflow_service() const { return *workflow_service_; }
  // The channel, for the stubs of the other services (OperatorService); calls on it take their
  // context from NewCallContext() like every other.
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const ConnectionOptions& options() const { return options_; }

 private:
  Connection(ConnectionOptions options, std::shared_ptr<grpc::Channel> channel);

  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<WorkflowService::Stub> workflow_service_;
  std::jthread connectivity_watcher_;  // before the channel goes, it stops
  mutable std::once_flag loop_started_;
  mutable std::unique_ptr<CallLoop> loop_;  // last: it drains before the channel goes
};

// The identity SDK workers report: "<pid>@<hostname>".
std::string DefaultIdentity();

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_CONNECTION_H_
