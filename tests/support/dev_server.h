// A real Temporal server for tests: `temporal server start-dev`, in memory, on free loopback
// ports, with the flags SDK test harnesses use (docs/temporal-protocol.md#dev-server).
//
// Start() returns once GetSystemInfo answers. The server is stopped when the DevServer is
// destroyed, and also when the test process dies any other way (a failed assertion that
// aborts, Ctrl-C, SIGKILL): the child is started with PR_SET_PDEATHSIG, so the kernel kills it
// when its parent goes. It never outlives the test.
//
// The binary is $WEFT_TEMPORAL_CLI (set by CTest from scripts/setup's cache), else `temporal`
// on PATH. If WEFT_TEST_TEMPORAL_ADDRESS is set, Shared() uses that server instead of
// starting one.
#ifndef WEFT_TESTS_SUPPORT_DEV_SERVER_H_
#define WEFT_TESTS_SUPPORT_DEV_SERVER_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace weft::testing {

struct DevServerOptions {
  std::vector<std::string> namespaces;  // besides "default", which always exists
  std::vector<std::string> extra_args;  // e.g. {"--dynamic-config-value", "k=v"}
  std::chrono::seconds ready_timeout{90};
};

class DevServer {
 public:
  // Starts a server and waits until it answers. Throws std::runtime_error, with the tail of the
  // server's log, if it exits or does not answer in time.
  static std::unique_ptr<DevServer> Start(const DevServerOptions& options = {});

  // The server shared by every test of this process, started on first use.
  static DevServer& Shared();

  DevServer(const DevServer&) = delete;
  DevServer& operator=(const DevServer&) = delete;
  ~DevServer() = default;

  // host:port of the frontend's gRPC endpoint.
  const std::string& address() const { return address_; }
  // The process id, or 0 for a server this object did not start or has stopped.
  pid_t pid() const { return process_ ? process_->pid() : 0; }

  // Stops the server: SIGTERM, then SIGKILL if it has not exited within 10 s.
  void Stop() {
    if (process_) process_->Stop();
  }

 private:
  DevServer(std::string address, std::unique_ptr<ChildProcess> process)
      : address_(std::move(address)), process_(std::move(process)) {}

  std::string address_;
  std::unique_ptr<ChildProcess> process_;  // null for a server this object did not start
};

// A TCP port on 127.0.0.1 that nothing listens on right now.
int FreeLoopbackPort();

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_DEV_SERVER_H_
