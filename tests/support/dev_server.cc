#include "tests/support/dev_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "runtime/temporal/connection.h"

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

std::string Tail(const std::string& path, std::size_t max_bytes = 4000) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

// The arguments of `temporal server start-dev` (research/temporal-protocol.md §16.1).
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
  const std::array<const char*, 6> dynamic_config = {
      // No outbound calls to a version service.
      "frontend.enableServerVersionCheck=false",
      // Updates are on by default only in newer servers than the CLI 1.5.1 bundles.
      "frontend.enableUpdateWorkflowExecution=true",
      "frontend.enableUpdateWorkflowExecutionAsyncAccepted=true",
      // One partition per task queue: tasks reach the few pollers of a test without delay.
      "matching.numTaskqueueReadPartitions=1",
      "matching.numTaskqueueWritePartitions=1",
      // ShutdownWorker completes outstanding polls at once.
      "frontend.enableCancelWorkerPollsOnShutdown=true",
  };
  for (const char* value : dynamic_config) {
    args.push_back("--dynamic-config-value");
    args.push_back(value);
  }
  for (const std::string& name : options.namespaces) {
    args.push_back("--namespace");
    args.push_back(name);
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  return args;
}

pid_t Spawn(const std::vector<std::string>& args, const std::string& log_path) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) _exit(127);
    dup2(null, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    setenv("TEMPORAL_VERSION_CHECK_DISABLED", "1", 1);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

bool Answers(const std::string& address) {
  auto connection = temporal::Connection::Open({.address = address});
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

  std::string log_path =
      (std::filesystem::temp_directory_path() /
       ("weft-temporal-dev-" + std::to_string(getpid()) + "-" + std::to_string(port) + ".log"))
          .string();
  auto args = ServerArgs(options, port, http_port, metrics_port);
  const pid_t pid = Spawn(args, log_path);
  std::unique_ptr<DevServer> server(
      new DevServer("127.0.0.1:" + std::to_string(port), pid, log_path));

  const auto deadline = std::chrono::steady_clock::now() + options.ready_timeout;
  while (!Answers(server->address())) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      server->pid_ = 0;
      throw std::runtime_error("`" + args[0] + " server start-dev` exited with status " +
                               std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                               " before answering (is the Temporal CLI installed? run "
                               "scripts/setup). Its log:\n" +
                               Tail(log_path));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the Temporal dev server did not answer GetSystemInfo on " +
                               server->address() + " within " +
                               std::to_string(options.ready_timeout.count()) + "s. Its log:\n" +
                               Tail(log_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return server;
}

DevServer& DevServer::Shared() {
  static std::unique_ptr<DevServer> shared = [] {
    if (const char* address = std::getenv("WEFT_TEST_TEMPORAL_ADDRESS");
        address != nullptr && *address != '\0') {
      return std::unique_ptr<DevServer>(new DevServer(address, 0, ""));
    }
    return Start();
  }();
  return *shared;
}

DevServer::~DevServer() { Stop(); }

void DevServer::Stop() {
  if (pid_ == 0) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  pid_ = 0;
  std::error_code ignored;
  std::filesystem::remove(log_path_, ignored);
}

}  // namespace weft::testing
