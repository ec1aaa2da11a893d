// GroupCommit, the journal's one writer: batches handed over together share one transaction,
// every token is reported once and in order, a failed transaction writes nothing of its
// batches, and what was submitted is committed before the writer stops.
#include "runtime/embedded/group_commit.h"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
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

  GroupCommit::CommitCallback Callback() {
    return [this](std::vector<std::uint64_t> tokens, const std::expected<void, std::string>& r) {
      std::lock_guard lock(mutex);
      transactions.push_back(std::move(tokens));
      errors.push_back(r ? "" : r.error());
      changed.notify_all();
    };
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

}  // namespace
