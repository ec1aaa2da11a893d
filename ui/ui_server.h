// UiServer: `weft ui`'s HTTP server: the page's files (ui_assets.h) and the JSON API
// (ui_api.h), every request checked by the RequestGuard first. On loopback it asks no token
// but checks the Host; anywhere else it requires one (given, or made up and reported in
// `url`).
//
// Pages carry a Content-Security-Policy that allows only the server's own scripts and styles,
// so that even a payload that slipped into the page's HTML could not run.
//
// StartUiServer() returns once listening; the server stops when the object goes. Any thread.
// RunUiService() is `weft ui`: the server until a stop signal, on the main thread.
#ifndef WEFT_UI_UI_SERVER_H_
#define WEFT_UI_UI_SERVER_H_

#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "runtime/http/http_server.h"
#include "ui/ui_api.h"

namespace weft::ui {

struct UiServerOptions {
  std::string address = "127.0.0.1:8233";  // host:port; port 0 takes a free one
  std::string token;                       // off loopback; empty: a new one is made
  UiOptions api;
};

struct UiServer {
  std::unique_ptr<http::HttpServer> http;
  std::string url;    // what to open: "http://127.0.0.1:8233/", with ?token=... when one is asked
  std::string token;  // empty on loopback
};

// The error names the address and why ("cannot listen on ...", or a token that is missing).
std::expected<UiServer, std::string> StartUiServer(UiServerOptions options);

// `weft ui`: StartUiServer for the lifetime of a long-running command
// (runtime/service/run_service.h: until SIGINT or SIGTERM). `on_listening` hears the server
// once it listens, on the serving thread. Call it on the main thread before any other thread
// starts; blocks until the server stopped, and logs that it did.
std::expected<void, std::string> RunUiService(
    UiServerOptions options, const std::function<void(const UiServer& server)>& on_listening);

// Whether `host` (of host:port) is a loopback address: 127.0.0.0/8, ::1, localhost.
bool IsLoopbackHost(const std::string& host);

}  // namespace weft::ui

#endif  // WEFT_UI_UI_SERVER_H_
