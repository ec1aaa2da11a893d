// A real Temporal dev server: the first round trips through the generated WorkflowService stub,
// and the fixture's promise that the server never outlives the process that started it.

#include "tests/support/dev_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "runtime/temporal/grpc_connection.h"

namespace {

namespace workflowservice = ::temporal::api::workflowservice::v1;
namespace enums = ::temporal::api::enums::v1;
using weft::temporal::GrpcConnection;
using weft::testing::DevServer;

// Alive means running: a zombie that nobody has reaped yet is dead.
bool ProcessAlive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  std::string line;
  std::getline(stat, line);
  const auto state_at = line.rfind(')') + 2;
  return state_at < line.size() && line[state_at] != 'Z' && line[state_at] != 'X';
}

bool DiesWithin(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (ProcessAlive(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace

TEST_CASE("GetSystemInfo and DescribeNamespace through the generated stub") {
  DevServer& server = DevServer::Shared();
  auto connection =
      GrpcConnection::Open({.address = server.address(), .namespace_name = "default"});
  REQUIRE(connection);
  GrpcConnection::WorkflowService::Stub& stub = (*connection)->workflow_service();

  workflowservice::GetSystemInfoResponse info;
  auto context = (*connection)->NewCallContext(std::chrono::seconds(10));
  grpc::Status status = stub.GetSystemInfo(context.get(), {}, &info);
  REQUIRE(status.ok());
  CHECK_FALSE(info.server_version().empty());
  // Capabilities every server the worker targets must have.
  CHECK(info.capabilities().signal_and_query_header());
  CHECK(info.capabilities().internal_error_differentiation());
  CHECK(info.capabilities().encoded_failure_attributes());

  workflowservice::DescribeNamespaceRequest describe;
  describe.set_namespace_("default");
  workflowservice::DescribeNamespaceResponse described;
  context = (*connection)->NewCallContext(std::chrono::seconds(10));
  status = stub.DescribeNamespace(context.get(), describe, &described);
  REQUIRE(status.ok());
  CHECK(described.namespace_info().name() == "default");
  CHECK(described.namespace_info().state() == enums::NAMESPACE_STATE_REGISTERED);
  CHECK_FALSE(described.namespace_info().id().empty());
}

TEST_CASE("DescribeNamespace of a namespace that does not exist is NOT_FOUND") {
  auto connection = GrpcConnection::Open({.address = DevServer::Shared().address()});
  REQUIRE(connection);
  workflowservice::DescribeNamespaceRequest describe;
  describe.set_namespace_("no-such-namespace");
  auto described = (*connection)
                       ->Call(&GrpcConnection::WorkflowService::Stub::DescribeNamespace,
                              "DescribeNamespace", describe);
  REQUIRE_FALSE(described);
  CHECK(described.error().code == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("Stop ends the server") {
  auto server = DevServer::Start();
  const pid_t pid = server->pid();
  REQUIRE(ProcessAlive(pid));
  server->Stop();
  CHECK_FALSE(ProcessAlive(pid));
  auto connection = GrpcConnection::Open({.address = server->address()});
  REQUIRE(connection);
  CHECK_FALSE((*connection)
                  ->Call(&GrpcConnection::WorkflowService::Stub::GetSystemInfo, "GetSystemInfo",
                         workflowservice::GetSystemInfoRequest{}, std::chrono::seconds(2)));
}

TEST_CASE("the server dies with the test process, however that process ends") {
  const int signal_number = GENERATE(SIGKILL, SIGINT, SIGTERM);
  CAPTURE(signal_number);

  int out[2];
  REQUIRE(pipe(out) == 0);
  const pid_t probe = fork();
  REQUIRE(probe >= 0);
  if (probe == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execl(WEFT_DEV_SERVER_PROBE, WEFT_DEV_SERVER_PROBE, nullptr);
    _exit(127);
  }
  close(out[1]);
  FILE* lines = fdopen(out[0], "r");
  long server_pid = 0;
  char address[128] = {};
  REQUIRE(std::fscanf(lines, "%ld %127s", &server_pid, address) == 2);
  REQUIRE(server_pid > 0);
  REQUIRE(ProcessAlive(static_cast<pid_t>(server_pid)));

  kill(probe, signal_number);
  int status = 0;
  waitpid(probe, &status, 0);
  std::fclose(lines);
  CHECK(DiesWithin(static_cast<pid_t>(server_pid), std::chrono::seconds(15)));
}
