#include "runtime/http/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <optional>
#include <string_view>

namespace weft::http {
namespace {

// A request head larger than this is refused (431): the endpoints take no large headers.
constexpr std::size_t kMaxHeadBytes = 64 << 10;
// Connections accepted while every handler thread is busy wait up to this many; more are
// answered 503 at once rather than left to time out.
constexpr std::size_t kMaxWaiting = 64;
// After the answer, how long the connection is drained so that its close does not reset what
// the client has not read yet.
constexpr std::chrono::milliseconds kLingerTimeout{200};

std::string Errno() { return std::strerror(errno); }

// "host:port" split; the host without its brackets. Empty host: every IPv4 interface.
std::expected<std::pair<std::string, std::string>, std::string> SplitAddress(
    const std::string& address) {
  std::string host;
  std::string port;
  if (address.starts_with('[')) {
    const auto close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      return std::unexpected(std::string("not host:port (an IPv6 host is [::1]:9090)"));
    }
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos) {
      return std::unexpected(std::string("not host:port (e.g. 127.0.0.1:9090)"));
    }
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    if (host.find(':') != std::string::npos) {
      return std::unexpected(std::string("write an IPv6 host in brackets, e.g. [::1]:9090"));
    }
  }
  int number = -1;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || number < 0 ||
      number > 65535) {
    return std::unexpected(std::string("the port must be a number from 0 to 65535"));
  }
  if (host.empty()) host = "0.0.0.0";
  return std::pair{host, port};
}

// "127.0.0.1:8080", "[::1]:8080".
std::string FormatAddress(const sockaddr* address, socklen_t length) {
  char host[NI_MAXHOST] = {};
  char port[NI_MAXSERV] = {};
  if (getnameinfo(address, length, host, sizeof host, port, sizeof port,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "?";
  }
  return address->sa_family == AF_INET6 ? "[" + std::string(host) + "]:" + port
                                        : std::string(host) + ":" + port;
}

// Waits until `fd` is ready for `events` or `timeout` passes; false on the timeout or an error.
bool WaitFor(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd entry{.fd = fd, .events = events, .revents = 0};
  int ready;
  do {
    ready = poll(&entry, 1, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  return ready > 0;
}

bool WriteAll(int fd, std::string_view data, std::chrono::milliseconds timeout) {
  while (!data.empty()) {
    const ssize_t sent = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      data.remove_prefix(static_cast<std::size_t>(sent));
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(fd, POLLOUT, timeout)) return false;
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else {
      return false;
    }
  }
  return true;
}

enum class ReadResult { kData, kClosed, kTimeout };

// Appends what `fd` has to `buffer`, waiting up to `timeout` for something.
ReadResult ReadSome(int fd, std::string& buffer, std::chrono::milliseconds timeout) {
  char chunk[16 << 10];
  while (true) {
    const ssize_t got = recv(fd, chunk, sizeof chunk, 0);
    if (got > 0) {
      buffer.append(chunk, static_cast<std::size_t>(got));
      return ReadResult::kData;
    }
    if (got == 0) return ReadResult::kClosed;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return ReadResult::kClosed;
    if (!WaitFor(fd, POLLIN, timeout)) return ReadResult::kTimeout;
  }
}

std::string Serialize(const HttpResponse& response, bool head_only) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " +
                    std::string(ReasonPhrase(response.status)) + "\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  if (!head_only) out += response.body;
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The request line and headers of `head` (without its blank line), or the response that
// refuses them.
std::expected<HttpRequest, HttpResponse> ParseHead(std::string_view head) {
  auto bad = [](const std::string& why) {
    return std::unexpected(HttpResponse::Text(400, "bad request: " + why + "\n"));
  };
  const auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const auto first_space = request_line.find(' ');
  const auto last_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return bad("the request line is not `METHOD target HTTP/1.1`");
  }
  HttpRequest request;
  request.method = std::string(request_line.substr(0, first_space));
  const std::string_view target =
      request_line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = request_line.substr(last_space + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    if (!version.starts_with("HTTP/")) return bad("the request line has no HTTP version");
    return std::unexpected(HttpResponse::Text(505, "only HTTP/1.1 is served\n"));
  }
  if (request.method.empty() || target.empty() || target.find(' ') != std::string_view::npos) {
    return bad("the request line is not `METHOD target HTTP/1.1`");
  }
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));

  std::string_view rest =
      line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    if (line.starts_with(' ') || line.starts_with('\t')) {
      return bad("folded header lines are obsolete (RFC 9112 5.2)");
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return bad("header line without a name: `" + std::string(line.substr(0, 80)) + "`");
    }
    const std::string_view name = line.substr(0, colon);
    if (name.find_first_of(" \t") != std::string_view::npos) {
      return bad("whitespace in a header name");
    }
    request.headers.emplace_back(Lower(name), std::string(Trim(line.substr(colon + 1))));
  }
  return request;
}

// A canned answer for a connection that is refused before it is read.
void Refuse(int fd, int status, const std::string& why, std::chrono::milliseconds timeout) {
  WriteAll(fd, Serialize(HttpResponse::Text(status, why + "\n"), false), timeout);
}

}  // namespace

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::Start(HttpServerOptions options,
                                                                          HttpHandler handler) {
  auto split = SplitAddress(options.address);
  if (!split) return std::unexpected("cannot listen on " + options.address + ": " + split.error());
  const auto& [host, port] = *split;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int error = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); error != 0) {
    return std::unexpected("cannot listen on " + options.address + ": " + gai_strerror(error));
  }
  std::string why = "no address";
  int listen_fd = -1;
  for (addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    listen_fd =
        socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC, candidate->ai_protocol);
    if (listen_fd < 0) {
      why = Errno();
      continue;
    }
    // A restarted process takes its port back at once, with connections of the last one still
    // in TIME_WAIT.
    const int on = 1;
    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(listen_fd, candidate->ai_addr, candidate->ai_addrlen) == 0 &&
        listen(listen_fd, 128) == 0) {
      break;
    }
    why = Errno();
    close(listen_fd);
    listen_fd = -1;
  }
  freeaddrinfo(found);
  if (listen_fd < 0) return std::unexpected("cannot listen on " + options.address + ": " + why);

  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(listen_fd, reinterpret_cast<sockaddr*>(&bound), &length);
  const int bound_port = bound.ss_family == AF_INET6
                             ? ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port)
                             : ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
  std::unique_ptr<HttpServer> server(
      new HttpServer(std::move(options), std::move(handler), listen_fd,
                     FormatAddress(reinterpret_cast<sockaddr*>(&bound), length), bound_port));
  if (pipe2(server->wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return std::unexpected("cannot listen on " + server->options_.address + ": " + Errno());
  }
  server->acceptor_ = std::thread([raw = server.get()] { raw->AcceptLoop(); });
  for (int i = 0; i < std::max(1, server->options_.threads); ++i) {
    server->handlers_.emplace_back([raw = server.get()] { raw->HandlerLoop(); });
  }
  return server;
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler, int listen_fd,
                       std::string address, int port)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      listen_fd_(listen_fd),
      address_(std::move(address)),
      port_(port) {}

HttpServer::~HttpServer() {
  Stop();
  if (wake_pipe_[0] >= 0) close(wake_pipe_[0]);
  if (wake_pipe_[1] >= 0) close(wake_pipe_[1]);
}

void HttpServer::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    // Requests in progress end now: their reads and writes fail, their threads return.
    for (int fd : serving_) shutdown(fd, SHUT_RDWR);
  }
  accepted_changed_.notify_all();
  if (wake_pipe_[1] >= 0) {
    const char byte = 0;
    [[maybe_unused]] const ssize_t written = write(wake_pipe_[1], &byte, 1);
  }
  std::call_once(joined_, [this] {
    if (acceptor_.joinable()) acceptor_.join();
    for (std::thread& handler : handlers_) handler.join();
    // Accepted but never served.
    for (const Accepted& waiting : accepted_) close(waiting.fd);
    accepted_.clear();
    // The port is free once Stop() returns, not when the object goes.
    close(listen_fd_);
    listen_fd_ = -1;
  });
}

void HttpServer::AcceptLoop() {
  while (true) {
    pollfd entries[2] = {{.fd = listen_fd_, .events = POLLIN, .revents = 0},
                         {.fd = wake_pipe_[0], .events = POLLIN, .revents = 0}};
    if (poll(entries, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (entries[1].revents != 0) return;
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length,
                           SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) continue;  // the client gave up, or out of descriptors for a moment
    std::unique_lock lock(mutex_);
    if (stopping_) {
      close(fd);
      return;
    }
    if (accepted_.size() >= kMaxWaiting) {
      lock.unlock();
      Refuse(fd, 503, "busy: every handler is taken", options_.io_timeout);
      close(fd);
      continue;
    }
    accepted_.push_back({fd, FormatAddress(reinterpret_cast<sockaddr*>(&peer), length)});
    lock.unlock();
    accepted_changed_.notify_one();
  }
}

void HttpServer::HandlerLoop() {
  while (true) {
    Accepted next{.fd = -1, .peer = {}};
    {
      std::unique_lock lock(mutex_);
      accepted_changed_.wait(lock, [this] { return stopping_ || !accepted_.empty(); });
      if (stopping_) return;
      next = std::move(accepted_.front());
      accepted_.pop_front();
      serving_.insert(next.fd);
    }
    Serve(next.fd, next.peer);
    {
      std::lock_guard lock(mutex_);
      serving_.erase(next.fd);
    }
    close(next.fd);
  }
}

void HttpServer::Serve(int fd, const std::string& peer) {
  const auto timeout = options_.io_timeout;
  auto answer = [&](const HttpResponse& response, bool head_only) {
    if (!WriteAll(fd, Serialize(response, head_only), timeout)) return;
    // The client reads the answer and closes; until then, reading what it may still send keeps
    // the kernel from resetting the connection under the answer.
    shutdown(fd, SHUT_WR);
    std::string discard;
    const auto until = std::chrono::steady_clock::now() + kLingerTimeout;
    while (discard.size() < kMaxHeadBytes && std::chrono::steady_clock::now() < until &&
           ReadSome(fd, discard, kLingerTimeout) == ReadResult::kData) {
    }
  };

  std::string buffer;
  std::size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (buffer.size() > kMaxHeadBytes) {
      return answer(HttpResponse::Text(431, "the request head is over 64 KiB\n"), false);
    }
    switch (ReadSome(fd, buffer, timeout)) {
      case ReadResult::kData:
        break;
      case ReadResult::kClosed:
        return;
      case ReadResult::kTimeout:
        if (!buffer.empty()) answer(HttpResponse::Text(408, "the request was not sent\n"), false);
        return;
    }
  }
  if (head_end > kMaxHeadBytes) {
    return answer(HttpResponse::Text(431, "the request head is over 64 KiB\n"), false);
  }
  auto request = ParseHead(std::string_view(buffer).substr(0, head_end));
  if (!request) return answer(request.error(), false);
  request->peer = peer;
  const bool head_only = request->method == "HEAD";

  if (request->Header("transfer-encoding")) {
    return answer(HttpResponse::Text(501,
                                     "chunked request bodies are not supported; send "
                                     "Content-Length\n"),
                  head_only);
  }
  std::size_t length = 0;
  if (auto declared = request->Header("content-length")) {
    const auto [end, error] =
        std::from_chars(declared->data(), declared->data() + declared->size(), length);
    if (declared->empty() || error != std::errc() || end != declared->data() + declared->size()) {
      return answer(HttpResponse::Text(400, "bad request: Content-Length is not a number\n"),
                    head_only);
    }
  }
  if (length > options_.max_body_bytes) {
    return answer(HttpResponse::Text(413, "the body is over " +
                                              std::to_string(options_.max_body_bytes) + " bytes\n"),
                  head_only);
  }
  std::string body = buffer.substr(head_end + 4);
  if (body.size() < length) {
    if (auto expect = request->Header("expect"); expect && Lower(*expect) == "100-continue") {
      if (!WriteAll(fd, "HTTP/1.1 100 Continue\r\n\r\n", timeout)) return;
    }
  }
  while (body.size() < length) {
    switch (ReadSome(fd, body, timeout)) {
      case ReadResult::kData:
        break;
      case ReadResult::kClosed:
        return;
      case ReadResult::kTimeout:
        return answer(HttpResponse::Text(408, "the body was not sent in full\n"), head_only);
    }
  }
  body.resize(length);  // a pipelined second request is not served
  request->body = std::move(body);

  HttpResponse response;
  try {
    response = handler_(*request);
  } catch (const std::exception& error) {
    response = HttpResponse::Text(500, std::string("internal error: ") + error.what() + "\n");
  }
  answer(response, head_only);
}

std::string ListenAddress(const std::string& host, int port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace weft::http
