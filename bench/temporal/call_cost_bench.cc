// The client CPU of one unary call to a Temporal frontend through this build's gRPC, the floor
// under every call the worker makes. GetSystemInfo (no namespace, tiny messages) `calls` times:
// first blocking calls from `threads` threads, then asynchronous calls on one completion queue
// with `threads` in flight, driven by one thread as weft's CallLoop does.
//
//   temporal_call_cost_bench ADDRESS [calls=3000] [threads=4]
//
// Start the server with `--dynamic-config-value frontend.rps=1000000`, or its default rate
// limit (2,400 calls/s) answers RESOURCE_EXHAUSTED. Prints one line of JSON.

#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "temporal/api/workflowservice/v1/service.grpc.pb.h"

namespace {

namespace workflowservice = ::temporal::api::workflowservice::v1;
using Stub = workflowservice::WorkflowService::Stub;

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void Prepare(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
}

void Check(const grpc::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "GetSystemInfo: gRPC status %d: %s\n", static_cast<int>(status.error_code()),
               status.error_message().c_str());
  std::exit(1);
}

// CPU microseconds per call of `run`, which makes `calls` calls.
template <typename Run>
double MicrosecondsPerCall(int calls, Run run) {
  const double before = ProcessCpuSeconds();
  run();
  return (ProcessCpuSeconds() - before) / calls * 1e6;
}

struct AsyncCall {
  grpc::ClientContext context;
  workflowservice::GetSystemInfoResponse response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<workflowservice::GetSystemInfoResponse>> reader;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s ADDRESS [calls] [threads]\n", argv[0]);
    return 2;
  }
  const int calls = argc > 2 ? std::atoi(argv[2]) : 3000;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 4;
  // As runtime/temporal/connection.cc configures its channel.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  auto stub = workflowservice::WorkflowService::NewStub(
      grpc::CreateCustomChannel(argv[1], grpc::InsecureChannelCredentials(), arguments));
  auto blocking_call = [&] {
    grpc::ClientContext context;
    Prepare(context);
    workflowservice::GetSystemInfoResponse response;
    Check(stub->GetSystemInfo(&context, {}, &response));
  };
  for (int i = 0; i < 200; ++i) blocking_call();  // connected and warm

  const double blocking = MicrosecondsPerCall(calls, [&] {
    std::vector<std::thread> callers;
    for (int t = 0; t < threads; ++t) {
      callers.emplace_back([&] {
        for (int i = 0; i < calls / threads; ++i) blocking_call();
      });
    }
    for (std::thread& caller : callers) caller.join();
  });

  grpc::CompletionQueue queue;
  const double asynchronous = MicrosecondsPerCall(calls, [&] {
    int started = 0;
    auto start = [&] {
      auto* call = new AsyncCall;
      Prepare(call->context);
      call->reader = stub->PrepareAsyncGetSystemInfo(&call->context, {}, &queue);
      call->reader->StartCall();
      call->reader->Finish(&call->response, &call->status, call);
      ++started;
    };
    for (int t = 0; t < threads; ++t) start();
    void* tag = nullptr;
    bool ok = false;
    for (int done = 0; done < calls && queue.Next(&tag, &ok); ++done) {
      std::unique_ptr<AsyncCall> call(static_cast<AsyncCall*>(tag));
      Check(call->status);
      if (started < calls) start();
    }
  });
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }
  std::printf(
      "{\"calls\": %d, \"in_flight\": %d, \"blocking_cpu_us_per_call\": %.1f, "
      "\"completion_queue_cpu_us_per_call\": %.1f}\n",
      calls, threads, blocking, asynchronous);
  return 0;
}
