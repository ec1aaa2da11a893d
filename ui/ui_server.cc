#include "ui/ui_server.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "runtime/http/http_router.h"
#include "runtime/service/run_service.h"
#include "ui/request_guard.h"
#include "ui/ui_assets.h"

namespace weft::ui {
namespace {

using http::HttpRequest;
using http::HttpResponse;

constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string HostOf(const std::string& address) {
  if (address.starts_with("[")) return address.substr(0, address.find(']') + 1);
  return address.substr(0, address.rfind(':'));
}

HttpResponse Secured(HttpResponse response) {
  response.AddHeader("Content-Security-Policy", kContentSecurityPolicy)
      .AddHeader("X-Content-Type-Options", "nosniff")
      .AddHeader("Referrer-Policy", "no-referrer");
  return response;
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  return host.starts_with("127.") || host == "[::1]" || host == "::1" || host == "localhost";
}

std::expected<UiServer, std::string> StartUiServer(UiServerOptions options) {
  const bool loopback = IsLoopbackHost(HostOf(options.address));
  std::string token = loopback ? std::string() : options.token;
  if (!loopback && token.empty()) token = RequestGuard::NewToken();

  auto api = std::make_shared<const UiApi>(std::move(options.api));
  auto guard = std::make_shared<const RequestGuard>(RequestGuardOptions{
      .token = token,
      .hosts = loopback ? RequestGuard::LoopbackHosts() : std::vector<std::string>{}});
  auto guarded = [guard](bool is_api, http::HttpHandler handler) {
    return [guard, is_api, handler = std::move(handler)](const HttpRequest& request) {
      if (auto refused = guard->Check(request, is_api)) return Secured(std::move(*refused));
      return Secured(handler(request));
    };
  };

  http::HttpRouter router;
  for (const UiAsset& asset : UiAssets()) {
    auto serve = [&asset](const HttpRequest&) {
      return HttpResponse::Text(200, std::string(asset.body),
                                std::string(ContentTypeOf(asset.path)))
          .AddHeader("Cache-Control", "no-cache");
    };
    router.Get(std::string(asset.path), guarded(false, serve));
    if (asset.path == "/index.html") router.Get("/", guarded(false, serve));
  }
  using Method = HttpResponse (UiApi::*)(const HttpRequest&) const;
  auto call = [api](Method method) {
    return [api, method](const HttpRequest& request) { return ((*api).*method)(request); };
  };
  router.Get("/api/info", guarded(true, call(&UiApi::Info)))
      .Get("/api/workflows", guarded(true, call(&UiApi::Workflows)))
      .Post("/api/workflows/*", guarded(true, call(&UiApi::StartRun)))
      .Get("/api/runs", guarded(true, call(&UiApi::Runs)))
      .Get("/api/runs/*", guarded(true, call(&UiApi::Run)))
      .Post("/api/runs/*", guarded(true, call(&UiApi::Run)));

  // Updates wait for their answer; a few more threads than the default keep the page's polling
  // answered meanwhile.
  auto server =
      http::HttpServer::Start({.address = options.address, .threads = 8}, std::move(router));
  if (!server) return std::unexpected(server.error());
  UiServer ui{.http = std::move(*server), .token = token};
  ui.url = "http://" + ui.http->address() + "/" + (token.empty() ? "" : "?token=" + token);
  return ui;
}

std::expected<void, std::string> RunUiService(
    UiServerOptions options, const std::function<void(const UiServer& server)>& on_listening) {
  auto served = service::RunService(
      {},
      [&](std::stop_token stop, service::ServiceReadiness&) -> std::expected<void, std::string> {
        auto server = StartUiServer(std::move(options));
        if (!server) return std::unexpected(server.error());
        on_listening(*server);
        service::WaitUntilStopRequested(stop);
        return {};
      });
  if (served) spdlog::info("ui stopped");
  return served;
}

}  // namespace weft::ui
