#include "runtime/temporal/codec_server.h"

#include <google/protobuf/util/json_util.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <string_view>

#include "runtime/http/http_message.h"
#include "runtime/service/run_service.h"
#include "runtime/temporal/encryption_codec.h"
#include "temporal/api/common/v1/message.pb.h"

namespace weft::temporal {
namespace {

using http::HttpRequest;
using http::HttpResponse;
using Payloads = ::temporal::api::common::v1::Payloads;

enum class Operation { kEncode, kDecode };

// The operation the path's last segment names, and the segment before it (a namespace, when
// the endpoint is mounted as http://host/{namespace}).
std::optional<std::pair<Operation, std::string>> ParsePath(std::string_view path) {
  while (path.ends_with('/')) path.remove_suffix(1);
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view last = path.substr(slash + 1);
  std::optional<Operation> operation;
  if (last == "encode") operation = Operation::kEncode;
  if (last == "decode") operation = Operation::kDecode;
  if (!operation) return std::nullopt;
  const std::string_view before = path.substr(0, slash);
  return std::pair{*operation, std::string(before.substr(before.rfind('/') + 1))};
}

class CodecHandler {
 public:
  CodecHandler(std::shared_ptr<const PayloadCodec> codec, CodecServerOptions options)
      : codec_(std::move(codec)), options_(std::move(options)) {}

  HttpResponse operator()(const HttpRequest& request) const {
    if (request.path == "/healthz" && (request.method == "GET" || request.method == "HEAD")) {
      return HttpResponse::Text(200, "ok\n");
    }
    auto route = ParsePath(request.path);
    if (!route) {
      return HttpResponse::Text(404, "no such path: " + request.path +
                                         " (the codec server answers .../encode and .../decode)\n");
    }
    if (request.method == "OPTIONS") return WithCors(request, HttpResponse{.status = 204});
    if (request.method != "POST") {
      return WithCors(request, HttpResponse::Text(405, request.method + " is not served at " +
                                                           request.path + " (allowed: POST)\n")
                                   .AddHeader("Allow", "POST, OPTIONS"));
    }
    return WithCors(request, Apply(request, route->first, route->second));
  }

 private:
  HttpResponse Apply(const HttpRequest& request, Operation operation,
                     const std::string& path_namespace) const {
    if (!options_.namespaces.empty()) {
      const std::string name = request.Header("x-namespace")
                                   ? std::string(*request.Header("x-namespace"))
                                   : path_namespace;
      if (std::ranges::find(options_.namespaces, name) == options_.namespaces.end()) {
        return HttpResponse::Text(
            403, "the namespace `" + name + "` is not served here (--namespace)\n");
      }
    }
    const auto type = request.Header("content-type");
    if (!type || !type->starts_with("application/json")) {
      return HttpResponse::Text(415, "send Payloads as application/json\n");
    }
    Payloads payloads;
    google::protobuf::util::JsonParseOptions parse;
    parse.ignore_unknown_fields = true;
    if (auto parsed = google::protobuf::util::JsonStringToMessage(request.body, &payloads, parse);
        !parsed.ok()) {
      return HttpResponse::Text(
          400, "the body is not a Payloads message in JSON: " + parsed.ToString() + "\n");
    }
    for (int i = 0; i < payloads.payloads_size(); ++i) {
      auto& payload = *payloads.mutable_payloads(i);
      auto done = operation == Operation::kEncode
                      ? (codec_->Encoded(payload) ? std::expected<void, std::string>()
                                                  : codec_->Encode(payload))
                      : codec_->Decode(payload);
      if (!done) {
        return HttpResponse::Text(400,
                                  "payloads[" + std::to_string(i) + "]: " + done.error() + "\n");
      }
    }
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(payloads, &json);
    return HttpResponse::Text(200, std::move(json), "application/json");
  }

  HttpResponse WithCors(const HttpRequest& request, HttpResponse response) const {
    response.AddHeader("Vary", "Origin");
    const auto origin = request.Header("origin");
    if (!origin ||
        std::ranges::find(options_.cors_origins, *origin) == options_.cors_origins.end()) {
      return response;
    }
    response.AddHeader("Access-Control-Allow-Origin", std::string(*origin))
        .AddHeader("Access-Control-Allow-Credentials", "true")
        .AddHeader("Access-Control-Allow-Methods", "POST, OPTIONS")
        .AddHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
        .AddHeader("Access-Control-Max-Age", "600");
    return response;
  }

  std::shared_ptr<const PayloadCodec> codec_;
  CodecServerOptions options_;
};

}  // namespace

std::expected<std::unique_ptr<http::HttpServer>, std::string> StartCodecServer(
    const CodecServerOptions& options) {
  auto codec = MakePayloadCodec(options.keys);
  if (!codec) return std::unexpected(codec.error());
  auto server = http::HttpServer::Start({.address = options.address},
                                        CodecHandler(std::move(*codec), options));
  if (!server) return std::unexpected(server.error());
  std::string origins;
  for (const auto& origin : options.cors_origins) origins += (origins.empty() ? "" : ", ") + origin;
  spdlog::info("codec server at http://{} (POST /encode, /decode; CORS for {})",
               (*server)->address(), origins.empty() ? "no origin" : origins);
  return server;
}

std::expected<void, std::string> RunCodecServerService(
    const CodecServerOptions& options,
    const std::function<void(const std::string& address)>& on_listening) {
  auto served = service::RunService(
      {},
      [&](std::stop_token stop, service::ServiceReadiness&) -> std::expected<void, std::string> {
        auto server = StartCodecServer(options);
        if (!server) return std::unexpected(server.error());
        on_listening((*server)->address());
        service::WaitUntilStopRequested(stop);
        return {};
      });
  if (served) spdlog::info("codec server stopped");
  return served;
}

}  // namespace weft::temporal
