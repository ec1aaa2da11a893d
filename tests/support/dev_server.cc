#include "tests/support/dev_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "runtime/temporal/grpc_connection.h"

namespace weft::testing {
namespace {

namespace workflowservice = ::temporal::api::workflowservice::v1;
using Stub = workflowservice::WorkflowService::Stub;

std::string TemporalBinary() {
  if (const char* path = std::getenv("WEFT_TEMPORAL_CLI"); path != nullptr && *path != '\0') {
    return path;
  }
  return "temporal";
}

// The arguments of `temporal server start-dev` (docs/temporal-protocol.md#dev-server).
std::vector<std::string> ServerArgs(const DevServerOptions& options, int port, int http_port,
                                    int metrics_port) {
  std::vector<std::string> args = {TemporalBinary(),
                                   "server",
                                   "start-dev",
                                   "--ip",
                                   "127.0.0.1",
                                   "--port",
                                   std::to_string(port),
                                   "--http-port",
                                   std::to_string(http_port),
                                   "--metrics-port",
                                   std::to_string(metrics_port),
                                   "--headless",
                                   "--log-level",
                                   "warn"};
  const std::string partitions = std::to_string(options.task_queue_partitions);
  const std::array<std::string, 6> dynamic_config = {
      // No outbound calls to a version service.
      "frontend.enableServerVersionCheck=false",
      // Updates are on by default only in newer servers than the CLI 1.5.1 bundles.
      "frontend.enableUpdateWorkflowExecution=true",
      "frontend.enableUpdateWorkflowExecutionAsyncAccepted=true",
      // One partition per task queue unless asked: tasks reach a test's few pollers at once.
      "matching.numTaskqueueReadPartitions=" + partitions,
      "matching.numTaskqueueWritePartitions=" + partitions,
      // ShutdownWorker completes outstanding polls at once.
      "frontend.enableCancelWorkerPollsOnShutdown=true",
  };
  for (const std::string& value : dynamic_config) {
    args.push_back("--dynamic-config-value");
    args.push_back(value);
  }
  for (const std::string& name : options.namespaces) {
    args.push_back("--namespace");
    args.push_back(name);
  }
  if (!options.db_filename.empty()) {
    args.push_back("--db-filename");
    args.push_back(options.db_filename);
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  return args;
}

bool Answers(const std::string& address) {
  auto connection = temporal::GrpcConnection::Open({.address = address});
  if (!connection) return false;
  auto info = (*connection)
                  ->Call(&Stub::GetSystemInfo, "GetSystemInfo",
                         workflowservice::GetSystemInfoRequest{}, std::chrono::milliseconds(1000));
  return info.has_value();
}

}  // namespace

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

std::unique_ptr<DevServer> DevServer::Start(const DevServerOptions& options) {
  int port = FreeLoopbackPort();
  int http_port = FreeLoopbackPort();
  int metrics_port = FreeLoopbackPort();
  while (http_port == port) http_port = FreeLoopbackPort();
  while (metrics_port == port || metrics_port == http_port) metrics_port = FreeLoopbackPort();

  auto args = ServerArgs(options, port, http_port, metrics_port);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  auto process = Launch(args, address, options.ready_timeout);
  return std::unique_ptr<DevServer>(
      new DevServer(address, std::move(process), std::move(args), options.ready_timeout));
}

void DevServer::Restart() {
  if (args_.empty()) throw std::runtime_error("only a server the test started can restart");
  Stop();
  process_.reset();
  process_ = Launch(args_, address_, ready_timeout_);
}

std::unique_ptr<ChildProcess> DevServer::Launch(const std::vector<std::string>& args,
                                                const std::string& address,
                                                std::chrono::seconds ready_timeout) {
  auto process = ChildProcess::Start(args, {{"TEMPORAL_VERSION_CHECK_DISABLED", "1"}});
  const auto deadline = std::chrono::steady_clock::now() + ready_timeout;
  while (!Answers(address)) {
    if (!process->Running()) {
      throw std::runtime_error("`" + args[0] +
                               " server start-dev` exited before answering (is the Temporal "
                               "CLI installed? run scripts/setup). Its log:\n" +
                               process->LogTail());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the Temporal dev server did not answer GetSystemInfo on " +
                               address + " within " + std::to_string(ready_timeout.count()) +
                               "s. Its log:\n" + process->LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return process;
}

DevServer& DevServer::Shared() {
  static std::unique_ptr<DevServer> shared = [] {
    if (const char* address = std::getenv("WEFT_TEST_TEMPORAL_ADDRESS");
        address != nullptr && *address != '\0') {
      return std::unique_ptr<DevServer>(new DevServer(address, nullptr));
    }
    return Start();
  }();
  return *shared;
}

}  // namespace weft::testing
