// A real Temporal server for tests: `temporal server start-dev`, in memory (or in a SQLite file,
// to be restarted with its state), on free loopback ports, with the flags SDK test harnesses use
// (docs/temporal-protocol.md#dev-server).
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
  // Partitions of each task queue. One lets a test's few pollers see every task at once; the
  // server's default is four (tests of polling under partitions ask for that).
  int task_queue_partitions = 1;
  std::chrono::seconds ready_timeout{90};
  // Non-empty: the server keeps its state in this SQLite file, and Restart() brings it back on
  // the same port with its workflows, timers and task queues.
  std::string db_filename;
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

  // Stops the server if it runs, starts it again with the same ports and flags, and returns once
  // it answers. With a db_filename it comes back with its state. Throws as Start() does.
  void Restart();

 private:
  DevServer(std::string address, std::unique_ptr<ChildProcess> process,
            std::vector<std::string> args = {}, std::chrono::seconds ready_timeout = {})
      : address_(std::move(address)),
        process_(std::move(process)),
        args_(std::move(args)),
        ready_timeout_(ready_timeout) {}

  // Starts `args` and waits until a server answers at `address`.
  static std::unique_ptr<ChildProcess> Launch(const std::vector<std::string>& args,
                                              const std::string& address,
                                              std::chrono::seconds ready_timeout);

  std::string address_;
  std::unique_ptr<ChildProcess> process_;  // null for a server this object did not start
  std::vector<std::string> args_;          // how it was started, for Restart()
  std::chrono::seconds ready_timeout_{};
};

// A TCP port on 127.0.0.1 that nothing listens on right now.
int FreeLoopbackPort();

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_DEV_SERVER_H_
