// GroupCommit, the journal's one writer: batches handed over together share one transaction,
// every token is reported once and in order, a failed transaction writes nothing of its
// batches, and what was submitted is committed before the writer stops. An idle writer lets
// its caller commit on its own thread; a busy one refuses, and commits keep their order.
#include "runtime/embedded/group_commit.h"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/embedded/temp_journal.h"

namespace {

namespace fs = std::filesystem;
using namespace weft::embedded;

using weft::embedded::testing::TempJournal;

JournalBatch NewRun(const std::string& id) {
  return {write::InsertRun{.run = {.run_id = id,
                                   .workflow_id = "wf-" + id,
                                   .name = "hello",
                                   .pin = {{"name", "hello"}},
                                   .created_ms = 1}}};
}

// What the writer reported, for the test's thread to wait on.
struct Reports {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::vector<std::uint64_t>> transactions;
  std::vector<std::string> errors;
  std::vector<std::thread::id> threads;  // where each report ran
  // Set to hold the callback of the transaction that holds `hold_token` until released.
  std::uint64_t hold_token = 0;
  bool held = false;
  bool released = false;

  GroupCommit::CommitCallback Callback() {
    return [this](std::vector<std::uint64_t> tokens, const std::expected<void, std::string>& r) {
      std::unique_lock lock(mutex);
      const bool hold = !tokens.empty() && tokens.front() == hold_token;
      transactions.push_back(std::move(tokens));
      errors.push_back(r ? "" : r.error());
      threads.push_back(std::this_thread::get_id());
      changed.notify_all();
      if (hold) {
        held = true;
        changed.notify_all();
        changed.wait(lock, [&] { return released; });
      }
    };
  }
  void WaitUntilHeld() {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return held; });
  }
  void Release() {
    std::lock_guard lock(mutex);
    released = true;
    changed.notify_all();
  }
  void WaitFor(std::size_t count) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return transactions.size() >= count; });
  }
};

TEST_CASE("batches handed over together are one transaction, reported in order") {
  const fs::path path = TempJournal("together");
  auto journal = Journal::Open(path);
  REQUIRE(journal);
  Reports reports;
  {
    GroupCommit writer(std::move(*journal), reports.Callback());
    std::vector<GroupCommit::Queued> batches;
    for (std::uint64_t token = 1; token <= 50; ++token) {
      batches.emplace_back(NewRun("r" + std::to_string(token)), token);
    }
    writer.Submit(std::move(batches));
    reports.WaitFor(1);
    CHECK(writer.stats().transactions == 1);
    CHECK(writer.stats().batches == 50);
  }
  REQUIRE(reports.transactions.size() == 1);
  CHECK(reports.errors[0].empty());
  std::vector<std::uint64_t> expected;
  for (std::uint64_t token = 1; token <= 50; ++token) expected.push_back(token);
  CHECK(reports.transactions[0] == expected);
  auto reader = Journal::Open(path);
  REQUIRE(reader);
  for (int i = 1; i <= 50; ++i) {
    auto run = (*reader)->FindRun("r" + std::to_string(i));
    REQUIRE(run);
    CHECK(run->has_value());
  }
}

TEST_CASE("a failed transaction writes none of its batches and says why") {
  const fs::path path = TempJournal("failed");
  auto journal = Journal::Open(path);
  REQUIRE(journal);
  Reports reports;
  {
    GroupCommit writer(std::move(*journal), reports.Callback());
    std::vector<GroupCommit::Queued> batches;
    batches.emplace_back(NewRun("a"), 1);
    batches.emplace_back(NewRun("a"), 2);  // the same run id again: refused
    writer.Submit(std::move(batches));
    reports.WaitFor(1);
  }
  REQUIRE(reports.transactions.size() == 1);
  CHECK(reports.transactions[0] == std::vector<std::uint64_t>{1, 2});
  CHECK(reports.errors[0].find("already in the journal") != std::string::npos);
  auto reader = Journal::Open(path);
  REQUIRE(reader);
  auto run = (*reader)->FindRun("a");
  REQUIRE(run);
  CHECK_FALSE(run->has_value());
}

TEST_CASE("the writer commits what was submitted before it stops") {
  const fs::path path = TempJournal("stop");
  auto journal = Journal::Open(path);
  REQUIRE(journal);
  Reports reports;
  {
    GroupCommit writer(std::move(*journal), reports.Callback());
    for (std::uint64_t token = 1; token <= 20; ++token) {
      std::vector<GroupCommit::Queued> one;
      one.emplace_back(NewRun("s" + std::to_string(token)), token);
      writer.Submit(std::move(one));
    }
  }  // the destructor, at once
  std::vector<std::uint64_t> reported;
  for (const auto& tokens : reports.transactions) {
    reported.insert(reported.end(), tokens.begin(), tokens.end());
  }
  std::vector<std::uint64_t> expected;
  for (std::uint64_t token = 1; token <= 20; ++token) expected.push_back(token);
  CHECK(reported == expected);
  auto reader = Journal::Open(path);
  REQUIRE(reader);
  auto run = (*reader)->FindRun("s20");
  REQUIRE(run);
  CHECK(run->has_value());
}

TEST_CASE("an idle writer lets its caller commit on the caller's thread") {
  const fs::path path = TempJournal("here");
  auto journal = Journal::Open(path);
  REQUIRE(journal);
  Reports reports;
  {
    GroupCommit writer(std::move(*journal), reports.Callback());
    std::vector<GroupCommit::Queued> batches;
    batches.emplace_back(NewRun("h1"), 1);
    batches.emplace_back(NewRun("h2"), 2);
    REQUIRE(writer.CommitHereIfIdle(batches));
    CHECK(batches.empty());
    // Reported before it returned, on this thread.
    REQUIRE(reports.transactions.size() == 1);
    CHECK(reports.transactions[0] == std::vector<std::uint64_t>{1, 2});
    CHECK(reports.threads[0] == std::this_thread::get_id());
    CHECK(writer.stats().transactions == 1);
    // The writer still takes what is submitted afterwards, on its own thread.
    std::vector<GroupCommit::Queued> later;
    later.emplace_back(NewRun("h3"), 3);
    writer.Submit(std::move(later));
    reports.WaitFor(2);
    CHECK(reports.threads[1] != std::this_thread::get_id());
  }
  auto reader = Journal::Open(path);
  REQUIRE(reader);
  for (const char* id : {"h1", "h2", "h3"}) {
    auto run = (*reader)->FindRun(id);
    REQUIRE(run);
    CHECK(run->has_value());
  }
}

TEST_CASE("a busy writer refuses to let the caller commit, and commits keep their order") {
  const fs::path path = TempJournal("busy");
  auto journal = Journal::Open(path);
  REQUIRE(journal);
  Reports reports;
  reports.hold_token = 1;
  {
    GroupCommit writer(std::move(*journal), reports.Callback());
    std::vector<GroupCommit::Queued> first;
    first.emplace_back(NewRun("b1"), 1);
    writer.Submit(std::move(first));
    reports.WaitUntilHeld();  // the writer is inside its transaction's report
    std::vector<GroupCommit::Queued> second;
    second.emplace_back(NewRun("b2"), 2);
    CHECK_FALSE(writer.CommitHereIfIdle(second));
    REQUIRE(second.size() == 1);  // untouched: the caller hands it over instead
    writer.Submit(std::move(second));
    reports.Release();
    reports.WaitFor(2);
  }
  REQUIRE(reports.transactions.size() == 2);
  CHECK(reports.transactions[0] == std::vector<std::uint64_t>{1});
  CHECK(reports.transactions[1] == std::vector<std::uint64_t>{2});
}

TEST_CASE("what is submitted while the caller commits waits for that commit") {
  const fs::path path = TempJournal("waits");
  auto journal = Journal::Open(path);
  REQUIRE(journal);
  Reports reports;
  reports.hold_token = 1;
  {
    GroupCommit writer(std::move(*journal), reports.Callback());
    std::thread caller([&] {
      std::vector<GroupCommit::Queued> first;
      first.emplace_back(NewRun("w1"), 1);
      CHECK(writer.CommitHereIfIdle(first));
    });
    reports.WaitUntilHeld();  // the caller's commit is reporting
    std::vector<GroupCommit::Queued> second;
    second.emplace_back(NewRun("w2"), 2);
    writer.Submit(std::move(second));
    {
      // The writer must not start the next transaction before the caller's is done: its
      // report would then overtake the caller's.
      std::unique_lock lock(reports.mutex);
      CHECK_FALSE(reports.changed.wait_for(lock, std::chrono::milliseconds(100),
                                           [&] { return reports.transactions.size() >= 2; }));
    }
    reports.Release();
    caller.join();
    reports.WaitFor(2);
  }
  REQUIRE(reports.transactions.size() == 2);
  CHECK(reports.transactions[0] == std::vector<std::uint64_t>{1});
  CHECK(reports.transactions[1] == std::vector<std::uint64_t>{2});
}

}  // namespace
