// A real HTTP server on 127.0.0.1 (cpp-httplib) on a free port, run on its own thread for the
// duration of a test. Handlers are registered on server() before Start().
#ifndef WEFT_TESTS_ACTIVITIES_LOOPBACK_SERVER_H_
#define WEFT_TESTS_ACTIVITIES_LOOPBACK_SERVER_H_

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace weft::testing {

class LoopbackServer {
 public:
  LoopbackServer() = default;
  ~LoopbackServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Server& server() { return server_; }
  void Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_ACTIVITIES_LOOPBACK_SERVER_H_
