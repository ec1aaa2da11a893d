// HttpServer and HttpRouter against real sockets on loopback: cpp-httplib's client for what a
// well-behaved client sends, a raw socket for what a broken or slow one does. Every server is
// owned by its test case and stops with it, failed assertion or not.

#include "runtime/http/http_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "runtime/http/http_router.h"

namespace {

using weft::http::HttpRequest;
using weft::http::HttpResponse;
using weft::http::HttpRouter;
using weft::http::HttpServer;
using weft::http::HttpServerOptions;

std::unique_ptr<HttpServer> Serve(weft::http::HttpHandler handler, HttpServerOptions options = {}) {
  auto server = HttpServer::Start(std::move(options), std::move(handler));
  if (!server) FAIL(server.error());
  return std::move(*server);
}

// A TCP connection to 127.0.0.1:port, closed with the object.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval timeout{.tv_sec = 5, .tv_usec = 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~RawClient() { close(fd_); }

  void Send(const std::string& data) {
    REQUIRE(send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size()));
  }
  // Reads until the server closes (or 5 s pass).
  std::string ReadAll() {
    std::string out;
    char chunk[4096];
    ssize_t got;
    while ((got = recv(fd_, chunk, sizeof chunk, 0)) > 0) out.append(chunk, got);
    return out;
  }
  // Reads until `text` has arrived (or 5 s pass).
  std::string ReadUntil(const std::string& text) {
    std::string out;
    char chunk[4096];
    ssize_t got;
    while (out.find(text) == std::string::npos && (got = recv(fd_, chunk, sizeof chunk, 0)) > 0) {
      out.append(chunk, got);
    }
    return out;
  }

 private:
  int fd_;
};

HttpResponse Echo(const HttpRequest& request) {
  std::string text = request.method + " " + request.path + "?" + request.query + "\n";
  text += "peer " + request.peer.substr(0, request.peer.find(':')) + "\n";
  if (auto agent = request.Header("X-Test")) text += "x-test " + std::string(*agent) + "\n";
  text += "body " + std::to_string(request.body.size()) + "\n";
  return HttpResponse::Text(200, text).AddHeader("X-Served-By", "weft");
}

}  // namespace

TEST_CASE("A host and a port make an address; an IPv6 host goes in brackets") {
  CHECK(weft::http::ListenAddress("127.0.0.1", 8233) == "127.0.0.1:8233");
  CHECK(weft::http::ListenAddress("::1", 0) == "[::1]:0");
  CHECK(weft::http::ListenAddress("", 9090) == ":9090");
}

TEST_CASE("A GET is answered with the handler's status, headers and body, then closed") {
  auto server = Serve(Echo);
  REQUIRE(server->address() == "127.0.0.1:" + std::to_string(server->port()));
  REQUIRE(server->port() > 0);

  httplib::Client client("127.0.0.1", server->port());
  auto response = client.Get("/metrics?name=x", {{"X-Test", "yes"}});
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->body == "GET /metrics?name=x\npeer 127.0.0.1\nx-test yes\nbody 0\n");
  CHECK(response->get_header_value("X-Served-By") == "weft");
  CHECK(response->get_header_value("Content-Type") == "text/plain; charset=utf-8");
  CHECK(response->get_header_value("Connection") == "close");

  // Each request on a connection of its own, one after the other.
  for (int i = 0; i < 20; ++i) REQUIRE(client.Get("/again")->status == 200);
}

TEST_CASE("A POST body arrives whole, also a large one, and Expect: 100-continue is honoured") {
  auto server = Serve(Echo);
  httplib::Client client("127.0.0.1", server->port());
  const std::string large(3 << 20, 'x');
  auto response = client.Post("/decode", large, "application/json");
  REQUIRE(response);
  CHECK(response->body.ends_with("body " + std::to_string(large.size()) + "\n"));

  // What curl does with a body over 1 KiB: it waits for 100 Continue before sending it.
  RawClient raw(server->port());
  raw.Send("POST /encode HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  CHECK(raw.ReadUntil("\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
  raw.Send("hello");
  const std::string answer = raw.ReadAll();
  CHECK(answer.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(answer.ends_with("body 5\n"));
}

TEST_CASE("The router answers by method and path; 404 names the paths, 405 the methods") {
  HttpRouter router;
  router.Get("/healthz", [](const HttpRequest&) { return HttpResponse::Text(200, "ok\n"); })
      .Post("/decode", [](const HttpRequest& request) {
        return HttpResponse::Text(200, "decoded " + request.body);
      });
  auto server = Serve(router);
  httplib::Client client("127.0.0.1", server->port());

  CHECK(client.Get("/healthz")->body == "ok\n");
  CHECK(client.Post("/decode", "p", "text/plain")->body == "decoded p");

  auto missing = client.Get("/nothing");
  CHECK(missing->status == 404);
  CHECK(missing->body == "no such path: /nothing (served: /decode, /healthz)\n");

  auto wrong_method = client.Get("/decode");
  CHECK(wrong_method->status == 405);
  CHECK(wrong_method->get_header_value("Allow") == "POST");

  // HEAD: the GET's status and length, no body.
  RawClient raw(server->port());
  raw.Send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string head = raw.ReadAll();
  CHECK(head.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(head.find("Content-Length: 3\r\n") != std::string::npos);
  CHECK(head.ends_with("\r\n\r\n"));
}

TEST_CASE("A route ending in /* answers every path under it; exact and longer routes win") {
  auto named = [](std::string name) {
    return [name](const HttpRequest& request) {
      return HttpResponse::Text(200, name + " " + request.path);
    };
  };
  HttpRouter router;
  router.Get("/api/runs/*", named("run"))
      .Get("/api/runs/x/*", named("x"))
      .Get("/api/runs/list", named("list"));
  auto server = Serve(router);
  httplib::Client client("127.0.0.1", server->port());

  CHECK(client.Get("/api/runs/7")->body == "run /api/runs/7");
  CHECK(client.Get("/api/runs/7/history")->body == "run /api/runs/7/history");
  CHECK(client.Get("/api/runs/x/1")->body == "x /api/runs/x/1");
  CHECK(client.Get("/api/runs/list")->body == "list /api/runs/list");
  CHECK(client.Post("/api/runs/7", "", "text/plain")->status == 405);
  auto missing = client.Get("/api/run");
  CHECK(missing->status == 404);
  CHECK(missing->body ==
        "no such path: /api/run (served: /api/runs/list, /api/runs/*, /api/runs/x/*)\n");
}

TEST_CASE("Requests the server does not take are refused with the status that says why") {
  auto server = Serve(Echo, {.max_body_bytes = 1000});
  auto answer = [&](const std::string& request) {
    RawClient raw(server->port());
    raw.Send(request);
    return raw.ReadAll();
  };
  CHECK(answer("nonsense\r\n\r\n").starts_with("HTTP/1.1 400 Bad Request"));
  CHECK(answer("GET /x HTTP/2.0\r\n\r\n").starts_with("HTTP/1.1 505 "));
  CHECK(answer("GET /x HTTP/1.1\r\n folded: header\r\n\r\n").starts_with("HTTP/1.1 400 "));
  CHECK(answer("GET /x HTTP/1.1\r\nno colon here\r\n\r\n").starts_with("HTTP/1.1 400 "));
  CHECK(answer("POST /x HTTP/1.1\r\nContent-Length: ten\r\n\r\n").starts_with("HTTP/1.1 400 "));
  CHECK(answer("POST /x HTTP/1.1\r\nContent-Length: 1001\r\n\r\n")
            .starts_with("HTTP/1.1 413 Content Too Large"));
  CHECK(answer("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            .starts_with("HTTP/1.1 501 "));
  CHECK(answer("GET /x HTTP/1.1\r\nX-Big: " + std::string(70 << 10, 'a') + "\r\n\r\n")
            .starts_with("HTTP/1.1 431 "));
  // And it still serves.
  CHECK(answer("GET /fine HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 200 OK"));
}

TEST_CASE("A handler that throws answers 500 with the error") {
  auto server =
      Serve([](const HttpRequest&) -> HttpResponse { throw std::runtime_error("no registry"); });
  httplib::Client client("127.0.0.1", server->port());
  auto response = client.Get("/metrics");
  CHECK(response->status == 500);
  CHECK(response->body == "internal error: no registry\n");
}

TEST_CASE("A slow client is dropped after the I/O timeout; others are served meanwhile") {
  auto server = Serve(Echo, {.io_timeout = std::chrono::milliseconds(300)});
  RawClient half(server->port());
  half.Send("GET /slow HTTP/1.1\r\n");  // and nothing more
  RawClient silent(server->port());

  httplib::Client client("127.0.0.1", server->port());
  CHECK(client.Get("/meanwhile")->status == 200);

  const auto started = std::chrono::steady_clock::now();
  CHECK(half.ReadAll().starts_with("HTTP/1.1 408 "));
  CHECK(silent.ReadAll().empty());  // closed without a word: it never asked anything
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

TEST_CASE("Requests are handled on several threads at once") {
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  auto server = Serve(
      [&](const HttpRequest&) {
        const int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        --inside;
        return HttpResponse::Text(200, "done\n");
      },
      {.threads = 4});
  std::vector<std::future<int>> answers;
  for (int i = 0; i < 4; ++i) {
    answers.push_back(std::async(std::launch::async, [&] {
      httplib::Client client("127.0.0.1", server->port());
      auto response = client.Get("/slow");
      return response ? response->status : 0;
    }));
  }
  for (auto& answer : answers) CHECK(answer.get() == 200);
  CHECK(most.load() >= 2);
}

TEST_CASE("Stop() ends connections in progress at once and frees the port") {
  std::promise<void> entered;
  std::atomic<bool> release{false};
  auto server = Serve([&](const HttpRequest& request) {
    if (request.path == "/hang") {
      entered.set_value();
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return HttpResponse::Text(200, "late\n");
  });
  const int port = server->port();
  RawClient idle(port);  // connected, sends nothing: a read in progress
  auto hanging = std::async(std::launch::async, [port] {
    httplib::Client client("127.0.0.1", port);
    return client.Get("/hang");
  });
  entered.get_future().wait();

  std::thread releaser([&] {
    // A handler is the caller's code: Stop() waits for it, so it must return.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    release = true;
  });
  const auto started = std::chrono::steady_clock::now();
  server->Stop();
  releaser.join();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  CHECK(idle.ReadAll().empty());
  hanging.get();  // answered or cut: either way it returned

  auto again = HttpServer::Start({.address = "127.0.0.1:" + std::to_string(port)},
                                 [](const HttpRequest&) { return HttpResponse::Text(200, ""); });
  CHECK(again.has_value());
  server->Stop();  // a second Stop() is harmless
}

TEST_CASE("An address that cannot be listened on is refused, naming it and why") {
  auto taken = Serve(Echo);
  auto busy = HttpServer::Start({.address = taken->address()}, Echo);
  REQUIRE_FALSE(busy);
  CHECK(busy.error() == "cannot listen on " + taken->address() + ": Address already in use");

  auto no_port = HttpServer::Start({.address = "localhost"}, Echo);
  REQUIRE_FALSE(no_port);
  CHECK(no_port.error() == "cannot listen on localhost: not host:port (e.g. 127.0.0.1:9090)");

  auto bad_port = HttpServer::Start({.address = "127.0.0.1:99999"}, Echo);
  REQUIRE_FALSE(bad_port);
  CHECK(bad_port.error().find("the port must be a number from 0 to 65535") != std::string::npos);

  auto bare_ipv6 = HttpServer::Start({.address = "::1:9090"}, Echo);
  REQUIRE_FALSE(bare_ipv6);
  CHECK(bare_ipv6.error().find("brackets") != std::string::npos);

  auto by_name = HttpServer::Start({.address = "localhost:0"}, Echo);
  REQUIRE(by_name);
  CHECK((*by_name)->port() > 0);
}
