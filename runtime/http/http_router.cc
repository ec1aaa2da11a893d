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
  if (path.ends_with("/*")) {
    prefixes_[path.substr(0, path.size() - 1)][method] = std::move(handler);
  } else {
    routes_[path][method] = std::move(handler);
  }
  return *this;
}

const HttpRouter::Methods* HttpRouter::Find(const std::string& path) const {
  if (auto exact = routes_.find(path); exact != routes_.end()) return &exact->second;
  const Methods* longest = nullptr;
  std::size_t longest_size = 0;
  for (const auto& [prefix, methods] : prefixes_) {
    if (path.starts_with(prefix) && prefix.size() >= longest_size) {
      longest = &methods;
      longest_size = prefix.size();
    }
  }
  return longest;
}

HttpResponse HttpRouter::operator()(const HttpRequest& request) const {
  const Methods* route = Find(request.path);
  if (route == nullptr) {
    std::string paths;
    for (const auto& [path, methods] : routes_) paths += (paths.empty() ? "" : ", ") + path;
    for (const auto& [prefix, methods] : prefixes_) {
      paths += (paths.empty() ? "" : ", ") + prefix + "*";
    }
    return HttpResponse::Text(404, "no such path: " + request.path + " (served: " + paths + ")\n");
  }
  const Methods& methods = *route;
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
