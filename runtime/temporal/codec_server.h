// The codec server: Temporal's remote codec protocol over HTTP (`weft codec-server`), so that
// the Temporal UI and `temporal workflow show --codec-endpoint` show the payloads weft encrypts
// (encryption_codec.h) in clear, and encrypt what they send.
//
//   POST .../encode, POST .../decode   body and answer: a Payloads message in protobuf's JSON
//                                      form, {"payloads": [{"metadata": {...}, "data": "..."}]}
//   OPTIONS .../encode, .../decode     the CORS preflight of the UI's browser
//   GET /healthz                       200 "ok"
//
// As the protocol asks, only the last part of the path decides between encode and decode, so
// the endpoint may be mounted anywhere ("http://host:8081/{namespace}" in the UI's and the
// CLI's settings). The namespace is read from the X-Namespace header the UI and the CLI send,
// or else from the path segment before encode/decode; with `namespaces` set, a request for
// another namespace is refused (403). A body that is not Payloads JSON, or a payload that does
// not decode (a key the key file lacks), is refused with 400 and the reason.
//
// CORS: a request whose Origin is one of `cors_origins` is answered with that origin in
// Access-Control-Allow-Origin, credentials allowed, and the headers the UI sends
// (Authorization, Content-Type, X-Namespace) allowed; other origins get no CORS headers, so the
// browser keeps the answer from them. The server checks no credentials itself: it listens on
// loopback by default; anywhere else, put it behind a proxy that authenticates
// (docs/operations.md#the-codec-server).
//
// StartCodecServer may be called from any thread; the server stops when the object goes.
// RunCodecServerService is `weft codec-server`: the server until a stop signal, on the main
// thread.
#ifndef WEFT_RUNTIME_TEMPORAL_CODEC_SERVER_H_
#define WEFT_RUNTIME_TEMPORAL_CODEC_SERVER_H_

#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/http/http_server.h"
#include "runtime/temporal/connection_options.h"

namespace weft::temporal {

struct CodecServerOptions {
  std::string address = "127.0.0.1:8081";
  EncryptionOptions keys;
  // The origins of the Temporal UI allowed to call from a browser; the dev server's by default.
  std::vector<std::string> cors_origins = {"http://localhost:8233", "http://127.0.0.1:8233"};
  std::vector<std::string> namespaces;  // empty: any
};

// Loads the keys and listens, and logs where and for which origins. The error is the keys' or
// the address's.
std::expected<std::unique_ptr<http::HttpServer>, std::string> StartCodecServer(
    const CodecServerOptions& options);

// `weft codec-server`: StartCodecServer for the lifetime of a long-running command
// (runtime/service/run_service.h: until SIGINT or SIGTERM). `on_listening` hears where it
// listens, once it does, on the serving thread. Call it on the main thread before any other
// thread starts; blocks until the server stopped, and logs that it did.
std::expected<void, std::string> RunCodecServerService(
    const CodecServerOptions& options,
    const std::function<void(const std::string& address)>& on_listening);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_CODEC_SERVER_H_
