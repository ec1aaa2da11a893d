// The journal's doorbell (journal_bell.h, bell_client.h) as a specification, listener and
// clients in one process on real SQLite files: a ring makes the engine read its inbox at once
// (its own poll is set to an hour here, so only the bell can deliver in time); a client
// awaiting a run hears it close; two journals have two bells, and every path to one journal
// file reaches its bell; without a listener a client hears kNoBell at once; a bell that stops
// closes the connections of its waiters instead of leaving them hanging.
#include "runtime/embedded/journal_bell.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "dsl/loader.h"
#include "runtime/embedded/bell_client.h"
#include "runtime/embedded/journal_client.h"
#include "runtime/embedded/journal_lease.h"
#include "tests/support/waiter_workflow.h"

namespace {

namespace fs = std::filesystem;
namespace bell = weft::embedded::bell;
using namespace std::chrono_literals;
using nlohmann::json;
using weft::embedded::Engine;
using weft::embedded::JournalBell;
using weft::embedded::JournalClient;
using weft::embedded::JournalLease;

// Waits for a signal, then returns who sent it: a run that closes when the test says so.
constexpr const char* kWaiter = weft::testing::kWaiterWorkflow;

// A journal with its lease and an engine whose own inbox poll is too slow for any test.
struct Served {
  fs::path dir;
  fs::path journal;
  weft::activity::ActivityRegistry registry;
  std::optional<JournalLease> lease;
  std::unique_ptr<Engine> engine;
  std::shared_ptr<const weft::dsl::Definition> waiter;

  Served() {
    static std::atomic<int> counter{0};
    dir = fs::temp_directory_path() /
          ("weft-bell-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    journal = dir / "journal.db";
    auto taken = JournalLease::TryAcquire(journal);
    REQUIRE(taken);
    REQUIRE(*taken);
    lease = std::move(**taken);
    weft::embedded::EngineOptions options;
    options.journal_path = journal;
    options.registry = &registry;
    options.inbox_poll = 1h;
    auto opened = Engine::Open(std::move(options));
    REQUIRE(opened);
    engine = std::move(*opened);
    auto loaded = weft::dsl::LoadDefinition(kWaiter);
    REQUIRE(loaded);
    waiter = std::move(*loaded);
  }
  ~Served() {
    if (engine) engine->Stop();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  JournalClient Client(const fs::path& path) const {
    auto client = JournalClient::Open(path);
    REQUIRE(client);
    return std::move(*client);
  }
};

std::unique_ptr<JournalBell> Listen(Served& served) {
  auto bell = JournalBell::Listen(served.journal, *served.engine);
  REQUIRE(bell);
  return std::move(*bell);
}

TEST_CASE("a ring makes the engine take on a run another process wrote, at once") {
  Served served;
  auto listening = Listen(served);
  JournalClient client = served.Client(served.journal);
  auto created = client.CreateRun(*served.waiter, json::object(), "w1");  // rings
  REQUIRE(created);
  REQUIRE(client.Send(created->run_id, "signal", "go", {{"by", "bell"}}));  // rings again
  // The engine polls its inbox once an hour: only the bell gets the run done in time.
  auto outcome = served.engine->WaitForRun(created->run_id, 30s);
  REQUIRE(outcome);
  CHECK(outcome->result == "bell");
}

TEST_CASE("a client awaiting a run at the bell hears it close") {
  Served served;
  auto listening = Listen(served);
  JournalClient client = served.Client(served.journal);
  auto created = client.CreateRun(*served.waiter, json::object(), "w1");
  REQUIRE(created);
  CHECK(bell::AwaitRun(served.journal, created->run_id, 50ms) == bell::Answer::kTimedOut);
  auto awaited = std::async(std::launch::async,
                            [&] { return bell::AwaitRun(served.journal, created->run_id, 60s); });
  REQUIRE(client.Send(created->run_id, "signal", "go", {{"by", "bell"}}));
  CHECK(awaited.get() == bell::Answer::kClosed);
  // Its close is in the journal by the time the bell says so.
  auto latest = client.Latest(created->run_id);
  REQUIRE(latest);
  CHECK(latest->status == weft::embedded::RunStatus::kCompleted);
  // A run that closed before the client asked is answered at once.
  CHECK(bell::AwaitRun(served.journal, created->run_id, 60s) == bell::Answer::kClosed);
}

TEST_CASE("two journals have two bells; a symlink and a hard link reach the same one") {
  Served first;
  Served second;
  auto listening = Listen(first);
  REQUIRE(bell::Address(first.journal));
  CHECK(bell::Address(first.journal) != bell::Address(second.journal));
  CHECK(bell::Ring(first.journal));
  CHECK_FALSE(bell::Ring(second.journal));

  const fs::path linked = second.dir / "link-to-first.db";
  fs::create_symlink(first.journal, linked);
  const fs::path hard = second.dir / "hard-link-to-first.db";
  fs::create_hard_link(first.journal, hard);
  CHECK(bell::Address(linked) == bell::Address(first.journal));
  CHECK(bell::Address(hard) == bell::Address(first.journal));
  const fs::path relative = fs::relative(first.journal);
  CHECK(bell::Address(relative) == bell::Address(first.journal));

  JournalClient client = first.Client(linked);
  auto created = client.CreateRun(*first.waiter, json::object(), "w1");
  REQUIRE(created);
  auto awaited =
      std::async(std::launch::async, [&] { return bell::AwaitRun(linked, created->run_id, 60s); });
  REQUIRE(client.Send(created->run_id, "signal", "go", {{"by", "link"}}));
  CHECK(awaited.get() == bell::Answer::kClosed);

  // The second journal's engine can have a bell of its own, beside the first.
  auto second_listening = Listen(second);
  CHECK(bell::Ring(second.journal));
}

TEST_CASE("without a listener a client hears kNoBell at once") {
  Served served;  // an engine, but no bell: an older weft
  const auto began = std::chrono::steady_clock::now();
  CHECK(bell::AwaitRun(served.journal, "no-such-run", 60s) == bell::Answer::kNoBell);
  CHECK_FALSE(bell::Ring(served.journal));
  CHECK(bell::AwaitRun(served.dir / "missing.db", "no-such-run", 60s) == bell::Answer::kNoBell);
  CHECK(std::chrono::steady_clock::now() - began < 10s);
}

TEST_CASE("a second listener on one journal is refused; the first goes on") {
  Served served;
  auto listening = Listen(served);
  auto second = JournalBell::Listen(served.journal, *served.engine);
  CHECK_FALSE(second);
  CHECK(bell::Ring(served.journal));
}

TEST_CASE("a run the engine does not know is answered by hanging up, not by waiting") {
  Served served;
  auto listening = Listen(served);
  CHECK(bell::AwaitRun(served.journal, "no-such-run", 60s) == bell::Answer::kNoBell);
}

// A connection that asked for `run_id`, made by hand so that the test knows it is connected.
int AwaitByHand(const fs::path& journal, const std::string& run_id) {
  const auto address = bell::Address(journal);
  REQUIRE(address);
  sockaddr_un where{};
  where.sun_family = AF_UNIX;
  std::memcpy(where.sun_path, address->data(), address->size());
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&where),
                    static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address->size())) ==
          0);
  const std::string request = std::string(bell::kAwaitRunMessage) + run_id;
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  return fd;
}

TEST_CASE("a bell that stops hangs up on its waiters, answered or not yet accepted") {
  Served served;
  auto listening = Listen(served);
  JournalClient client = served.Client(served.journal);
  auto created = client.CreateRun(*served.waiter, json::object(), "w1");
  REQUIRE(created);
  const int waiting = AwaitByHand(served.journal, created->run_id);
  // Served (watched in the engine) once a second request on a later connection is: the bell
  // takes connections in order.
  CHECK(bell::AwaitRun(served.journal, created->run_id, 10ms) == bell::Answer::kTimedOut);
  const int queued = AwaitByHand(served.journal, created->run_id);
  listening.reset();
  for (const int fd : {waiting, queued}) {
    pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
    REQUIRE(::poll(&entry, 1, 30000) == 1);  // not the 30 s: the bell hung up
    char answer[64];
    CHECK(::recv(fd, answer, sizeof answer, 0) <= 0);
    ::close(fd);
  }
  // The run is open still, for the next engine; a client now falls back at once.
  CHECK(bell::AwaitRun(served.journal, created->run_id, 60s) == bell::Answer::kNoBell);
}

TEST_CASE("the engine's watch of a run: woken at its close, then the outcome; unknown, neither") {
  // Before the engine: a failed check leaves the watch to the engine's stop, which calls it.
  std::promise<void> woken;
  std::atomic<bool> once = false;
  Served served;
  JournalClient client = served.Client(served.journal);
  auto created = client.CreateRun(*served.waiter, json::object(), "w1");
  REQUIRE(created);
  served.engine->PollInboxNow();
  auto watch = served.engine->WatchRun(created->run_id, [&] {
    if (!once.exchange(true)) woken.set_value();
  });
  REQUIRE(watch.token != 0);
  CHECK_FALSE(watch.outcome);
  REQUIRE(client.Send(created->run_id, "signal", "go", {{"by", "watch"}}));
  served.engine->PollInboxNow();  // no bell here to ring
  REQUIRE(woken.get_future().wait_for(30s) == std::future_status::ready);
  served.engine->UnwatchRun(watch.token);
  auto closed = served.engine->WatchRun(created->run_id, [] {});
  CHECK(closed.token == 0);
  REQUIRE(closed.outcome);
  CHECK(closed.outcome->result == "watch");
  auto unknown = served.engine->WatchRun("no-such-run", [] {});
  CHECK(unknown.token == 0);
  CHECK_FALSE(unknown.outcome);
}

TEST_CASE("many waiters are answered by the bell's one thread, a client that hung up is not") {
  Served served;
  auto listening = Listen(served);
  JournalClient client = served.Client(served.journal);
  std::vector<std::string> runs;
  for (int i = 0; i < 40; ++i) {
    auto created = client.CreateRun(*served.waiter, json::object(), "w" + std::to_string(i));
    REQUIRE(created);
    runs.push_back(created->run_id);
  }
  // Two waiters on each run; one more that hangs up before anything closes.
  std::vector<int> waiting;
  for (const auto& run : runs) {
    waiting.push_back(AwaitByHand(served.journal, run));
    waiting.push_back(AwaitByHand(served.journal, run));
  }
  ::close(AwaitByHand(served.journal, runs.front()));
  for (const auto& run : runs) REQUIRE(client.Send(run, "signal", "go", {{"by", "bell"}}));
  for (const int fd : waiting) {
    pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
    REQUIRE(::poll(&entry, 1, 30000) == 1);
    char answer[64];
    const ssize_t got = ::recv(fd, answer, sizeof answer, 0);
    CHECK(std::string_view(answer, got > 0 ? static_cast<std::size_t>(got) : 0) ==
          bell::kRunClosedMessage);
    ::close(fd);
  }
  // The bell goes on serving after all that.
  CHECK(bell::AwaitRun(served.journal, runs.back(), 60s) == bell::Answer::kClosed);
}

}  // namespace
