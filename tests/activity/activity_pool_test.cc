// ActivityPool: threads start as work needs them, up to the size given; tasks that wait for
// one another all run at once when the size allows, and no thread is added beyond it.
#include "runtime/activity/activity_pool.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

namespace {

using weft::activity::ActivityPool;

// Threads of this process named as the pool names its workers.
int PoolThreads() {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name == "weft-activity") ++count;
  }
  return count;
}

// Counts arrivals; Wait() blocks until `expected` have arrived (or 10 s pass: then false).
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  int arrived = 0;
  void Arrive() {
    std::lock_guard lock(mutex);
    ++arrived;
    changed.notify_all();
  }
  bool Wait(int expected) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), [&] { return arrived >= expected; });
  }
};

TEST_CASE("a pool starts one thread, and more only as tasks wait for one") {
  ActivityPool pool(8);
  Gate done;
  for (int i = 0; i < 3; ++i) {
    // One at a time: each task ends before the next is submitted, so one thread serves all.
    pool.Submit([&] { done.Arrive(); });
    REQUIRE(done.Wait(i + 1));
    // (A worker names itself once it runs, so threads are counted after the first task.)
    if (i == 0) CHECK(PoolThreads() == 1);
  }
  // A worker counts as free again once its task has returned: a task submitted just before
  // that may add a second thread, never more.
  CHECK(PoolThreads() <= 2);
}

TEST_CASE("tasks that wait for one another all run at once, up to the size") {
  constexpr int kSize = 4;
  ActivityPool pool(kSize);
  Gate started;
  Gate release;
  for (int i = 0; i < kSize; ++i) {
    pool.Submit([&] {
      started.Arrive();
      release.Wait(1);
    });
  }
  // Every task must be running at once: with fewer threads than tasks this times out.
  CHECK(started.Wait(kSize));
  CHECK(PoolThreads() == kSize);
  // A task beyond the size waits for a free thread, and no thread is added for it.
  Gate extra;
  pool.Submit([&] { extra.Arrive(); });
  CHECK(PoolThreads() == kSize);
  release.Arrive();
  CHECK(extra.Wait(1));
}

}  // namespace
