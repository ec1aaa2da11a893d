#include "runtime/embedded/group_commit.h"

#include <pthread.h>

#include <utility>

namespace weft::embedded {
namespace {

// A transaction this large already amortises the fsync; capping it bounds the latency of
// the steps that wait behind it.
constexpr std::size_t kMaxBatchesPerTransaction = 4096;

}  // namespace

GroupCommit::GroupCommit(std::unique_ptr<Journal> journal, CommitCallback on_commit)
    : journal_(std::move(journal)), on_commit_(std::move(on_commit)) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "weft-journal");
    Loop();
  });
}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  thread_.join();
}

void GroupCommit::Submit(std::vector<Queued> batches) {
  {
    std::lock_guard lock(mutex_);
    for (Queued& queued : batches) queue_.push_back(std::move(queued));
  }
  work_.notify_one();
}

GroupCommit::Stats GroupCommit::stats() const {
  return {.transactions = transactions_.load(), .batches = batches_.load()};
}

bool GroupCommit::CommitHereIfIdle(std::vector<Queued>& batches) {
  {
    std::lock_guard lock(mutex_);
    if (committing_ || stopping_ || !queue_.empty() || batches.size() > kMaxBatchesPerTransaction) {
      return false;
    }
    committing_ = true;
  }
  Commit(std::move(batches));
  batches.clear();
  bool queued;
  {
    std::lock_guard lock(mutex_);
    committing_ = false;
    queued = !queue_.empty();
  }
  if (queued) work_.notify_one();  // what was submitted meanwhile waited for this commit
  return true;
}

void GroupCommit::Loop() {
  while (true) {
    std::vector<Queued> taken;
    {
      std::unique_lock lock(mutex_);
      // Commits stay in submission order: nothing is taken while CommitHereIfIdle commits.
      work_.wait(lock, [this] { return !committing_ && (stopping_ || !queue_.empty()); });
      if (queue_.empty()) return;  // stopping, and everything is committed
      const std::size_t count = std::min(queue_.size(), kMaxBatchesPerTransaction);
      taken.reserve(count);
      for (std::size_t i = 0; i < count; ++i) {
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      committing_ = true;
    }
    Commit(std::move(taken));
    std::lock_guard lock(mutex_);
    committing_ = false;
  }
}

void GroupCommit::Commit(std::vector<Queued> taken) {
  std::vector<const JournalBatch*> batches;
  std::vector<std::uint64_t> tokens;
  batches.reserve(taken.size());
  tokens.reserve(taken.size());
  for (const auto& [batch, token] : taken) {
    batches.push_back(&batch);
    tokens.push_back(token);
  }
  auto result = journal_->Apply(batches);
  transactions_.fetch_add(1);
  batches_.fetch_add(taken.size());
  on_commit_(std::move(tokens), result);
}

}  // namespace weft::embedded
