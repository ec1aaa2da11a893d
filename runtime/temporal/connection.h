// Connection: how the Temporal worker and client reach the server's frontend. It carries the
// unary calls of WorkflowService they make (task polls and their answers, heartbeats, history
// reads, the client's calls), dresses each call as the server expects (the metadata of an SDK
// and a deadline on every call, docs/temporal-protocol.md#connection), and completes
// asynchronous calls on one loop thread (call_loop.h).
//
// It is the seam between the Temporal engine and the network. GrpcConnection
// (grpc_connection.h) is a channel to a real server. tests/temporal/fake_connection.h plays the
// server in unit tests: it hands out canned tasks and histories and records what the workers
// answer, so that the worker's cache, sticky queue, queries and updates are tested without one.
//
// Callers name a method of the generated stub, which fixes the request and response types at
// compile time, and its name. An implementation sees each call erased: the method's name and
// its messages, which is all a fake reads and answers, and a function that runs the call on a
// real stub, which is what GrpcConnection does with it.
//
// Two things happen to every call here, whatever the implementation: a payload codec, when the
// connection has one, encodes every payload of the request and decodes every payload of the
// response (message_codec.h), so that the engine above handles plain payloads only and the
// server stores only encoded ones; and the call is counted and timed in the SDKs' request
// metrics (sdk_metrics.h), when the connection reports to one.
//
// Thread-safe: one Connection is shared by every poller and client call of a process. Each call
// gets its own grpc::ClientContext from NewCallContext(); the owner of a context may cancel it
// until the call has completed. The codec and the metrics are set before the first call.
#ifndef WEFT_RUNTIME_TEMPORAL_CONNECTION_H_
#define WEFT_RUNTIME_TEMPORAL_CONNECTION_H_

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <concepts>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/metrics/sdk_metrics.h"
#include "runtime/temporal/call_loop.h"
#include "runtime/temporal/connection_options.h"
#include "runtime/temporal/payload_codec.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"

namespace weft::temporal {

// Task long polls are held by the server for up to a minute; the SDKs give them 70 s.
inline constexpr std::chrono::seconds kLongPollTimeout{70};
// Every other call.
inline constexpr std::chrono::seconds kDefaultCallTimeout{30};
// gRPC waits up to 120 s between attempts to reach a server that went away; a worker must see
// it back sooner than that (the SDKs resume within seconds). GrpcConnection reconnects and
// PollBackoff retries at least this often.
inline constexpr std::chrono::milliseconds kMaxReconnectBackoff{1000};

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

  virtual ~Connection() = default;

  virtual const ConnectionOptions& options() const = 0;

  // The codec every payload of every call goes through; null: payloads go as they are.
  void set_payload_codec(std::shared_ptr<const PayloadCodec> codec) { codec_ = std::move(codec); }
  const std::shared_ptr<const PayloadCodec>& payload_codec() const { return codec_; }
  // Where every call is counted and timed; null: nowhere.
  void set_request_metrics(std::shared_ptr<metrics::SdkMetrics> metrics) {
    metrics_ = std::move(metrics);
  }

  // The loop on which CallAsync's continuations run; owners of continuations also set their
  // timers on it (a poll's backoff).
  virtual CallLoop& loop() const = 0;

  // A context for one call: the SDK's headers (client-name, client-version, temporal-namespace,
  // and authorization with an API key) and a deadline `timeout` from now.
  std::unique_ptr<grpc::ClientContext> NewCallContext(
      std::chrono::milliseconds timeout = kDefaultCallTimeout) const;
  // A context for a task long poll: kLongPollTimeout, and it waits while the server is
  // unreachable rather than failing at once, so that it goes out the moment the server is back.
  std::unique_ptr<grpc::ClientContext> NewPollContext() const;

  // Calls a unary WorkflowService method and blocks until it completes.
  //   auto info = connection->Call(&WorkflowService::Stub::GetSystemInfo, "GetSystemInfo", req);
  template <typename Request, typename Response>
  std::expected<Response, RpcError> Call(
      grpc::Status (WorkflowService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
      std::string_view method_name, const Request& request,
      std::chrono::milliseconds timeout = kDefaultCallTimeout) const {
    Response response;
    std::optional<Request> encoded;
    if (codec_) {
      encoded.emplace(request);
      if (auto error = EncodeRequest(method_name, *encoded)) return std::unexpected(*error);
    }
    const Request& sent = encoded ? *encoded : request;
    auto context = NewCallContext(timeout);
    const auto started = std::chrono::steady_clock::now();
    const grpc::Status status =
        Unary(method_name, sent, response, *context,
              [&](WorkflowService::Stub& stub, grpc::ClientContext& call_context) {
                return (stub.*method)(&call_context, sent, &response);
              });
    ObserveCall(method_name, IsLongPoll(method_name, timeout), status, started);
    if (!status.ok()) {
      return std::unexpected(
          RpcError{status.error_code(), std::string(method_name), status.error_message()});
    }
    if (auto error = DecodeResponse(method_name, response)) return std::unexpected(*error);
    return response;
  }

  // Starts a unary call; `done` runs on the loop thread with the response or the error.
  // `context` comes from NewCallContext() or NewPollContext().
  //   connection->CallAsync(&WorkflowService::Stub::PrepareAsyncRespondActivityTaskCompleted,
  //                         "RespondActivityTaskCompleted", NewCallContext(), request, done);
  template <typename Request, typename Response, typename Done>
  requires std::invocable<Done, std::expected<Response, RpcError>>
  void CallAsync(CallLoop::PrepareMethod<WorkflowService::Stub, Request, Response> method,
                 std::string_view method_name, std::unique_ptr<grpc::ClientContext> context,
                 const Request& request, Done done) const {
    std::optional<Request> encoded;
    if (codec_) {
      encoded.emplace(request);
      if (auto error = EncodeRequest(method_name, *encoded)) {
        // The context lives until `done` has run, as on a call's success: the caller may hold
        // it to cancel the call until then.
        loop().After(
            std::chrono::milliseconds(0),
            [done = std::move(done), error = std::move(*error),
             context = std::move(context)]() mutable { done(std::unexpected(std::move(error))); });
        return;
      }
    }
    const Request& sent = encoded ? *encoded : request;
    Finish finish = [this, name = std::string(method_name), done = std::move(done),
                     started = std::chrono::steady_clock::now()](
                        const grpc::Status& status, google::protobuf::Message& response) mutable {
      ObserveCall(name, IsLongPoll(name, kDefaultCallTimeout), status, started);
      if (!status.ok()) {
        done(std::unexpected(RpcError{status.error_code(), name, status.error_message()}));
      } else if (auto error = DecodeResponse(name, response)) {
        done(std::unexpected(std::move(*error)));
      } else {
        done(std::move(static_cast<Response&>(response)));
      }
    };
    StartUnary(
        method_name, sent, Response::default_instance(), std::move(context), std::move(finish),
        [method, &sent](WorkflowService::Stub& stub, CallLoop& call_loop,
                        std::unique_ptr<grpc::ClientContext> call_context, Finish call_finish) {
          call_loop.Start<WorkflowService::Stub, Request, Response>(
              stub, method, std::move(call_context), sent,
              [call_finish = std::move(call_finish)](const grpc::Status& status,
                                                     Response& response) mutable {
                call_finish(status, response);
              });
        });
  }

 protected:
  // Encodes the payloads of a copy of a request; the error is the call's (DATA_LOSS).
  std::optional<RpcError> EncodeRequest(std::string_view method_name,
                                        google::protobuf::Message& request) const;
  // Decodes the payloads of a response in place; the error is the call's (DATA_LOSS).
  std::optional<RpcError> DecodeResponse(std::string_view method_name,
                                         google::protobuf::Message& response) const;
  // Counts and times a finished call in the request metrics.
  void ObserveCall(std::string_view method_name, bool long_poll, const grpc::Status& status,
                   std::chrono::steady_clock::time_point started) const;
  // Task polls and calls that wait as long as one (a history read that waits for the close)
  // are the SDKs' long requests.
  static bool IsLongPoll(std::string_view method_name, std::chrono::milliseconds timeout) {
    return method_name.starts_with("Poll") || timeout >= kLongPollTimeout;
  }

  // The end of an asynchronous call: its status, and its response, a message of the method's
  // response type (empty on an error).
  using Finish = std::move_only_function<void(const grpc::Status&, google::protobuf::Message&)>;
  // Runs a blocking call on a real stub, filling the response given to Unary().
  using StubCall = std::function<grpc::Status(WorkflowService::Stub&, grpc::ClientContext&)>;
  // Starts an asynchronous call on a real stub and its loop; the call holds `request` only until
  // this returns.
  using AsyncStubCall = std::move_only_function<void(WorkflowService::Stub&, CallLoop&,
                                                     std::unique_ptr<grpc::ClientContext>, Finish)>;

  // Runs `method_name` to completion on the calling thread; `response` is an empty message of
  // its response type, filled when the call succeeds.
  virtual grpc::Status Unary(std::string_view method_name, const google::protobuf::Message& request,
                             google::protobuf::Message& response, grpc::ClientContext& context,
                             const StubCall& on_stub) const = 0;
  // Starts `method_name`; `finish` runs exactly once, on loop()'s thread. `response_type` is the
  // default instance of the method's response type. `request` is valid only during the call.
  virtual void StartUnary(std::string_view method_name, const google::protobuf::Message& request,
                          const google::protobuf::Message& response_type,
                          std::unique_ptr<grpc::ClientContext> context, Finish finish,
                          AsyncStubCall on_stub) const = 0;

 private:
  std::shared_ptr<const PayloadCodec> codec_;
  std::shared_ptr<metrics::SdkMetrics> metrics_;
};

// The identity SDK workers report: "<pid>@<hostname>".
std::string DefaultIdentity();

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_CONNECTION_H_
