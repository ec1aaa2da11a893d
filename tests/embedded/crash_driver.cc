// The engine under the crash test (crash_test.cc): it makes sure the 200 runs of a five-step
// workflow exist in the journal (workflow ids crash-0 ... crash-199, created once), runs the
// engine until every run has closed, prints "done" and exits. The test kills it with SIGKILL
// at random moments and starts it again.
//
// Its one activity, crash.step, appends "<run id> <activity id> <execution token>" to the
// execution log with O_APPEND before it works (a single write(2), so lines never interleave),
// then returns the token in its result: the journal then says which execution's completion it
// recorded.
//
// Usage: embedded_crash_driver <journal> <execution log> <runs>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <thread>

#include "dsl/loader.h"
#include "runtime/embedded/engine.h"
#include "runtime/embedded/journal_client.h"
#include "tests/embedded/wait_for_lease.h"

namespace {

using namespace weft;
using nlohmann::json;

constexpr const char* kDefinition = R"(dsl: 1
name: crash-steps
input:
  type: object
  required: [n]
  properties: {n: {type: integer}}
defaults:
  call:
    timeouts: {start_to_close: 30s}
    retry: {initial_interval: 10ms}
steps:
  - id: one
    call: crash.step
    args: {value: '${ input.n }'}
    result: a
  - id: two
    call: crash.step
    args: {value: '${ vars.a.value }'}
    result: b
  - id: three
    call: crash.step
    args: {value: '${ vars.b.value }'}
    result: c
  - id: four
    call: crash.step
    args: {value: '${ vars.c.value }'}
    result: d
  - id: five
    call: crash.step
    args: {value: '${ vars.d.value }'}
    result: e
output: '${ vars.e.value }'
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: embedded_crash_driver <journal> <execution log> <runs>\n";
    return 2;
  }
  const std::string journal_path = argv[1];
  const int log_fd = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int runs = std::stoi(argv[3]);
  if (log_fd < 0) {
    std::perror("execution log");
    return 1;
  }
  auto definition = dsl::LoadDefinition(kDefinition);
  if (!definition) return 1;

  auto lease = testing::WaitForLease(journal_path);
  if (!lease) {
    std::cerr << lease.error() << "\n";
    return 1;
  }

  auto client = embedded::JournalClient::Open(journal_path);
  if (!client) {
    std::cerr << client.error() << "\n";
    return 1;
  }
  for (int i = 0; i < runs; ++i) {
    const std::string workflow_id = "crash-" + std::to_string(i);
    auto existing = client->journal().ResolveRun(workflow_id);
    if (existing && *existing) continue;
    if (auto created = client->CreateRun(**definition, json{{"n", i * 10}}, workflow_id);
        !created) {
      std::cerr << created.error() << "\n";
      return 1;
    }
  }

  activity::ActivityRegistry registry;
  std::atomic<std::uint64_t> executions{0};
  (void)registry.Register(
      {.name = "crash.step",
       .function = [&](const json& input,
                       activity::ActivityContext& context) -> activity::ActivityResult {
         const std::string token =
             std::to_string(::getpid()) + "." + std::to_string(executions.fetch_add(1));
         const std::string line =
             context.Info().run_id + " " + context.Info().activity_id + " " + token + "\n";
         if (::write(log_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
           return std::unexpected(activity::ActivityError::Retryable("LogFailed", "write"));
         }
         static thread_local std::mt19937 random{std::random_device{}()};
         std::this_thread::sleep_for(std::chrono::milliseconds(5 + random() % 30));
         return json{{"value", input["value"].get<std::int64_t>() + 1}, {"token", token}};
       }});

  embedded::EngineOptions options;
  options.journal_path = journal_path;
  options.registry = &registry;
  options.activity_threads = 4;
  auto engine = embedded::Engine::Open(std::move(options));
  if (!engine) {
    std::cerr << engine.error() << "\n";
    return 1;
  }
  std::cout << "ready" << std::endl;
  while (!(*engine)->WaitUntilIdle(std::chrono::seconds(1))) {
  }
  (*engine)->Stop();
  std::cout << "done" << std::endl;
  return 0;
}
