// CallThreads: every call runs at once, however long the others wait; threads are reused and
// go when idle; destruction waits for every call.

#include "agents/call_threads.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

using weft::agents::CallThreads;
using namespace std::chrono_literals;

TEST_CASE("a call that waits does not hold up the next one") {
  CallThreads threads;
  std::latch released(1);
  std::promise<void> first_done;
  // The first call waits for the second: queued behind it, neither would ever finish.
  threads.Run([&] {
    released.wait();
    first_done.set_value();
  });
  threads.Run([&] { released.count_down(); });
  CHECK(first_done.get_future().wait_for(30s) == std::future_status::ready);
  CHECK(threads.threads() == 2);
}

namespace {

// Until every thread waits for a call (a call's thread answers before it is back waiting).
void AwaitIdle(const CallThreads& threads) {
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (threads.idle() != threads.threads() && std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
  REQUIRE(threads.idle() == threads.threads());
}

}  // namespace

TEST_CASE("calls one after the other reuse one thread") {
  CallThreads threads;
  std::thread::id first;
  for (int i = 0; i < 200; ++i) {
    AwaitIdle(threads);
    std::promise<std::thread::id> ran;
    threads.Run([&ran] { ran.set_value(std::this_thread::get_id()); });
    auto future = ran.get_future();
    REQUIRE(future.wait_for(30s) == std::future_status::ready);
    const auto id = future.get();
    if (i == 0) first = id;
    CHECK(id == first);
  }
  CHECK(threads.threads() == 1);
}

TEST_CASE("many calls at once each get a thread, and are all run before destruction returns") {
  std::atomic<int> ran = 0;
  {
    CallThreads threads;
    std::latch all_started(50);
    for (int i = 0; i < 50; ++i) {
      threads.Run([&] {
        all_started.count_down();
        all_started.wait();  // only returns once 50 calls run at the same time
        ++ran;
      });
    }
    for (int i = 0; i < 100; ++i) threads.Run([&] { ++ran; });
  }
  CHECK(ran == 150);
}

TEST_CASE("a thread idle for longer than the linger exits, and a later call starts another") {
  CallThreads threads(0ms);
  std::promise<void> done;
  threads.Run([&] { done.set_value(); });
  REQUIRE(done.get_future().wait_for(30s) == std::future_status::ready);
  // With no linger the thread goes as soon as it finds nothing to do.
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (threads.threads() != 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
  CHECK(threads.threads() == 0);
  std::promise<void> again;
  threads.Run([&] { again.set_value(); });
  CHECK(again.get_future().wait_for(30s) == std::future_status::ready);
}
