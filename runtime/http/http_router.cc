#include "runtime/http/http_router.h"

namespace weft::http {

HttpRouter& HttpRouter::Get(const std::string& path, HttpHandler handler) {
  return Add("GET", path, std::move(handler));
}

HttpRouter& HttpRouter::Post(const std::string& path, HttpHandler handler) {
  return Add("POST", path, std::move(handler));
}

HttpRouter& HttpRouter::Add(const std::string& method, const std::string& path,
                            HttpHandler handler) {
  routes_[path][method] = std::move(handler);
  return *this;
}

HttpResponse HttpRouter::operator()(const HttpRequest& request) const {
  auto route = routes_.find(request.path);
  if (route == routes_.end()) {
    std::string paths;
    for (const auto& [path, methods] : routes_) paths += (paths.empty() ? "" : ", ") + path;
    return HttpResponse::Text(404, "no such path: " + request.path + " (served: " + paths + ")\n");
  }
  const auto& methods = route->second;
  auto handler = methods.find(request.method);
  if (handler == methods.end() && request.method == "HEAD") handler = methods.find("GET");
  if (handler != methods.end()) return handler->second(request);
  std::string allowed;
  for (const auto& [method, unused] : methods) {
    allowed += (allowed.empty() ? "" : ", ") + method;
    if (method == "GET") allowed += ", HEAD";
  }
  return HttpResponse::Text(405, request.method + " is not served at " + request.path +
                                     " (allowed: " + allowed + ")\n")
      .AddHeader("Allow", allowed);
}

}  // namespace weft::http
