// HttpServer: the small HTTP/1.1 server of weft's long-running processes. It serves the
// operations endpoints (/metrics, /healthz, /readyz: runtime/metrics/metrics_endpoint.h), the
// remote codec protocol of `weft codec-server` and the web UI of `weft ui` (ui/); what a
// Prometheus scrape, a Kubernetes probe, the Temporal UI's codec calls, a browser and curl need,
// and no more:
//
// - one request per connection: it is read whole (a body by Content-Length, up to a limit),
//   handed to the handler, answered with Content-Length and `Connection: close`, and the
//   connection is closed. No keep-alive, no chunked request bodies (501), no TLS.
// - `Expect: 100-continue` is answered, so that curl does not wait a second before a body.
// - HEAD is answered as the handler answers it, without the body.
// - malformed requests get 400, oversized heads 431, oversized bodies 413, HTTP/2 or /0.9 505;
//   a client silent for `io_timeout` is dropped (408 if it had started a request).
//
// Threads: Start() binds and returns; one thread accepts, `threads` threads handle requests,
// so the handler is called from several threads at once and must be thread-safe. Stop() (also
// the destructor) closes the listening socket, shuts down the connections in progress and joins
// every thread: the port is free again when it returns. Safe to call from any thread but a
// handler's, more than once.
#ifndef WEFT_RUNTIME_HTTP_HTTP_SERVER_H_
#define WEFT_RUNTIME_HTTP_HTTP_SERVER_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/http/http_message.h"

namespace weft::http {

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  // host:port. Port 0 takes a free port (address() says which). An IPv6 host goes in brackets
  // ("[::1]:9090"); an empty host (":9090") listens on every IPv4 interface.
  std::string address = "127.0.0.1:0";
  std::size_t max_body_bytes = 16 << 20;
  int threads = 4;  // requests handled at once; more wait for a thread
  std::chrono::milliseconds io_timeout{10'000};
};

// A host and a port as `address` takes them: "127.0.0.1:8233", "[::1]:8233" (a host with a
// colon is IPv6, and goes in brackets).
std::string ListenAddress(const std::string& host, int port);

class HttpServer {
 public:
  // Listens on `options.address` and starts serving. The error names the address and why
  // ("cannot listen on 127.0.0.1:9090: Address already in use").
  static std::expected<std::unique_ptr<HttpServer>, std::string> Start(HttpServerOptions options,
                                                                       HttpHandler handler);

  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Stop();

  // The address it listens on, with the port it got: "127.0.0.1:41873", "[::1]:9090".
  const std::string& address() const { return address_; }
  int port() const { return port_; }

 private:
  HttpServer(HttpServerOptions options, HttpHandler handler, int listen_fd, std::string address,
             int port);
  void AcceptLoop();
  void HandlerLoop();
  // Reads one request from `fd`, answers it and returns; the caller closes `fd`.
  void Serve(int fd, const std::string& peer);

  struct Accepted {
    int fd;
    std::string peer;
  };

  const HttpServerOptions options_;
  const HttpHandler handler_;
  int listen_fd_;  // closed by Stop()
  const std::string address_;
  const int port_;
  int wake_pipe_[2] = {-1, -1};  // written by Stop() to end the accept loop's poll()

  std::mutex mutex_;
  std::condition_variable accepted_changed_;
  std::deque<Accepted> accepted_;  // waiting for a handler thread
  std::set<int> serving_;          // being served; Stop() shuts them down
  bool stopping_ = false;
  std::once_flag joined_;
  std::thread acceptor_;
  std::vector<std::thread> handlers_;
};

}  // namespace weft::http

#endif  // WEFT_RUNTIME_HTTP_HTTP_SERVER_H_
