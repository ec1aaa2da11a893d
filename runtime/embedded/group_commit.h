// GroupCommit: the journal's one writer. Engine steps of many runs submit their JournalBatch;
// a writer thread takes everything queued, applies it in one transaction (one fsync), then
// reports which batches are durable. This is what lets many concurrent runs go faster than
// the disk's fsync rate: the fewer, larger the transactions, the more steps per fsync.
//
// Submit() may be called from any thread; the callback runs on the writer thread, in commit
// order (or on the thread of CommitHereIfIdle, for what it commits). The destructor commits
// what was submitted, then stops.
#ifndef WEFT_RUNTIME_EMBEDDED_GROUP_COMMIT_H_
#define WEFT_RUNTIME_EMBEDDED_GROUP_COMMIT_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/embedded/journal.h"

namespace weft::embedded {

class GroupCommit {
 public:
  // `tokens` are those given to Submit, in submission order. On a failed transaction nothing
  // of it was written and `result` says why.
  using CommitCallback = std::function<void(std::vector<std::uint64_t> tokens,
                                            const std::expected<void, std::string>& result)>;

  struct Stats {
    std::uint64_t transactions = 0;  // one fsync each
    std::uint64_t batches = 0;
  };

  using Queued = std::pair<JournalBatch, std::uint64_t>;  // a batch and its token

  GroupCommit(std::unique_ptr<Journal> journal, CommitCallback on_commit);
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // In order; batches submitted together are taken into one transaction unless it is full.
  void Submit(std::vector<Queued> batches);
  // Commits `batches` on the calling thread, now, if the writer neither commits nor has
  // anything queued; returns false, leaving them untouched, otherwise. For a caller with
  // nothing else to do: a lone run's step then costs no thread hand-off to the writer and
  // none back, which on two cores were most of a step's latency beside the fsync. Under
  // load the writer is busy and batches queue for it as before. The callback runs on the
  // calling thread before this returns.
  bool CommitHereIfIdle(std::vector<Queued>& batches);
  Stats stats() const;

 private:
  void Loop();
  void Commit(std::vector<Queued> taken);

  std::unique_ptr<Journal> journal_;
  CommitCallback on_commit_;
  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::deque<Queued> queue_;
  bool stopping_ = false;
  bool committing_ = false;  // guarded by mutex_: a transaction is under way (either thread)
  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<std::uint64_t> batches_{0};
  std::thread thread_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_GROUP_COMMIT_H_
