// HttpRouter: which handler answers a request, by its method and path. A route's path is exact,
// or, ending in `/*`, the prefix of every path under it ("/api/runs/*" answers "/api/runs/7" and
// "/api/runs/7/signal"; the handler reads the rest from the request's path); an exact route wins
// over a prefix, and a longer prefix over a shorter one. A GET route also
// answers HEAD (HttpServer leaves the body out). A path with no route gets 404 naming the paths
// there are; a path routed for other methods gets 405 with an Allow header. The router is itself
// a handler, for HttpServer::Start(options, router).
//
// Routes are added before the server starts; after that the router is only read, from any
// number of threads.
#ifndef WEFT_RUNTIME_HTTP_HTTP_ROUTER_H_
#define WEFT_RUNTIME_HTTP_HTTP_ROUTER_H_

#include <map>
#include <string>

#include "runtime/http/http_message.h"
#include "runtime/http/http_server.h"

namespace weft::http {

class HttpRouter {
 public:
  HttpRouter& Get(const std::string& path, HttpHandler handler);
  HttpRouter& Post(const std::string& path, HttpHandler handler);
  // Any method, e.g. OPTIONS for a CORS preflight.
  HttpRouter& Add(const std::string& method, const std::string& path, HttpHandler handler);

  HttpResponse operator()(const HttpRequest& request) const;

 private:
  using Methods = std::map<std::string, HttpHandler>;
  // The routes whose path or prefix matches `path`: nullptr for none.
  const Methods* Find(const std::string& path) const;

  std::map<std::string, Methods> routes_;    // exact path, method
  std::map<std::string, Methods> prefixes_;  // path up to and with the `/` of `/*`, method
};

}  // namespace weft::http

#endif  // WEFT_RUNTIME_HTTP_HTTP_ROUTER_H_
