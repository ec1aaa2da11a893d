// JournalWriteGroup: writers that queue while one commits are committed together by the next
// leader, each gets its own result; through real journals one refused write in a group
// undoes only its own writer's batches, and a writer waits for another process's turn at
// "<journal>.write-lock".
#include "runtime/embedded/journal_write_group.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
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

JournalBatch NewRun(const std::string& id, const std::string& workflow_id) {
  return {write::InsertRun{.run = {.run_id = id,
                                   .workflow_id = workflow_id,
                                   .name = "hello",
                                   .pin = {{"name", "hello"}},
                                   .created_ms = 1},
                           .unless_workflow_open = true}};
}

TEST_CASE("writers queued behind a commit are the next commit, each with its own result") {
  JournalWriteGroup group;
  constexpr int kFollowers = 8;
  std::mutex mutex;
  std::vector<std::size_t> commits;  // writers per commit
  std::atomic<bool> first{true};
  std::vector<JournalBatch> batches(kFollowers + 1);
  const auto commit = [&](std::span<const JournalWriteGroup::Batches* const> writers) {
    if (first.exchange(false)) {
      // Hold the first commit until every follower has queued behind it.
      while (group.queued() < kFollowers + 1) std::this_thread::yield();
    }
    {
      std::lock_guard lock(mutex);
      commits.push_back(writers.size());
    }
    std::vector<JournalWriteGroup::Result> results;
    for (const JournalWriteGroup::Batches* writer : writers) {
      // The writer whose batch is batches[3] is refused; the others pass.
      const bool refused = writer->front() == &batches[3];
      results.push_back(refused ? JournalWriteGroup::Result(std::unexpected("refused"))
                                : JournalWriteGroup::Result());
    }
    return results;
  };
  std::vector<JournalWriteGroup::Batches> asks(kFollowers + 1);
  for (int i = 0; i <= kFollowers; ++i) asks[i] = {&batches[i]};
  std::vector<std::string> outcomes(kFollowers + 1);
  const auto write = [&](int i) {
    auto result = group.Write(asks[i], commit);
    outcomes[i] = result ? "ok" : result.error();
  };
  std::thread leader(write, 0);
  while (first.load()) std::this_thread::yield();  // the leader is in its commit
  std::vector<std::thread> followers;
  for (int i = 1; i <= kFollowers; ++i) followers.emplace_back(write, i);
  leader.join();
  for (auto& follower : followers) follower.join();

  REQUIRE(commits == std::vector<std::size_t>{1, kFollowers});
  for (int i = 0; i <= kFollowers; ++i) {
    INFO("writer " << i);
    CHECK(outcomes[i] == (i == 3 ? "refused" : "ok"));
  }
  CHECK(group.queued() == 0);
}

TEST_CASE("connections of one process on one file share a group") {
  const fs::path path = TempJournal("write-group-shared");
  auto a = Journal::Open(path);
  REQUIRE(a);
  CHECK(JournalWriteGroup::Of(path) == JournalWriteGroup::Of(path));
  CHECK(JournalWriteGroup::Of(path) != JournalWriteGroup::Of(path.string() + ".other"));
}

TEST_CASE("a refused start in a group of real writers undoes only its own") {
  const fs::path path = TempJournal("write-group-refusal");
  constexpr int kThreads = 16;
  constexpr int kRuns = 20;
  std::vector<std::unique_ptr<Journal>> journals;
  for (int t = 0; t < kThreads; ++t) {
    auto journal = Journal::Open(path);
    REQUIRE(journal);
    journals.push_back(std::move(*journal));
  }
  // Every thread also tries to start the one workflow id "contested": one start wins.
  // (Which writers share a transaction is up to the scheduler; 336 writes on 16 threads make
  // groups likely, and the first test pins the grouping down.)
  std::atomic<int> contested_won{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < kRuns; ++n) {
        const std::string id = "r" + std::to_string(t) + "-" + std::to_string(n);
        if (!journals[t]->Apply(NewRun(id, "wf-" + id))) ++failures;
        if (n == kRuns / 2) {
          // A run of its own first, then the contested one: a refusal must undo both.
          JournalBatch batch = NewRun("c" + std::to_string(t), "wf-c" + std::to_string(t));
          batch.push_back(NewRun("d" + std::to_string(t), "contested").front());
          if (journals[t]->Apply(batch)) ++contested_won;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(contested_won == 1);
  auto runs = journals[0]->ListRuns(10000);
  REQUIRE(runs);
  CHECK(runs->size() == kThreads * kRuns + 2);
}

TEST_CASE("a writer waits while another process holds the journal's write lock") {
  const fs::path path = TempJournal("write-group-process-turn");
  auto journal = Journal::Open(path);
  REQUIRE(journal);
  // Another open file description stands for another process: flock(2) locks conflict
  // between descriptions, in one process as across processes.
  const fs::path lock_path = BesideJournal(path, ".write-lock");
  REQUIRE(fs::exists(lock_path));
  const int other = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(other >= 0);
  REQUIRE(::flock(other, LOCK_EX) == 0);
  std::atomic<bool> written{false};
  std::thread writer([&] {
    CHECK((*journal)->Apply(NewRun("held", "wf-held")));
    written = true;
  });
  // The write is not done while the other holds the lock (50 ms is ample for a commit that
  // does not wait: a few hundred microseconds).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(written.load());
  REQUIRE(::flock(other, LOCK_UN) == 0);
  writer.join();
  CHECK(written.load());
  ::close(other);
  auto run = (*journal)->FindRun("held");
  REQUIRE(run);
  CHECK(run->has_value());
}

}  // namespace
