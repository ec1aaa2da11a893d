// JournalWriteGroup: the writers of one process on one journal file, committed together. Every
// Journal::Apply of the process on that file (by device and inode: SQLite's lock is the
// file's) queues here. The first in the queue leads: it takes the writers queued behind it and
// commits all their batches on its own connection in one transaction, one fsync, then hands
// each writer its own result and the lead to whoever queued meanwhile. Without it, 200 client
// threads starting runs through a serving engine were 200 transactions, each an fsync in turn
// behind SQLite's write lock (bench/RESULTS.md, "Clients of weft serve"); the engine's own
// writer batches the same way (group_commit.h), and this is the same idea for any writer.
//
// Processes take turns too. A leader holds an exclusive flock(2) on the file "<journal>.write-lock"
// (beside the lease's ".lock") while it commits, so that the writers of many processes (200 `weft
// run --detach` at once and a serving engine) wait in the kernel's queue for one another, asleep,
// instead of each polling SQLite's lock: polling cost those processes more CPU than their runs, and
// some lost every try for SQLite's whole busy timeout ("database is locked"). The kernel drops the
// lock of a process that dies. Where the file cannot be made (a read-only folder), SQLite's busy
// handler remains the only wait, as it is for writers that are not weft's.
//
// A writer returns only once its batches are committed (or refused), as before: grouping
// changes how many fsyncs the process pays, not what a caller is promised. One writer's
// refusal (a workflow id already running) does not undo the others': the leader's commit
// function gives each writer its own result (Journal uses a savepoint per writer).
//
// Thread-safe: any thread may Write(); writers block, each on its own condition variable, so
// that the leader wakes exactly the writers it committed and the next leader.
#ifndef WEFT_RUNTIME_EMBEDDED_JOURNAL_WRITE_GROUP_H_
#define WEFT_RUNTIME_EMBEDDED_JOURNAL_WRITE_GROUP_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "runtime/embedded/journal.h"

namespace weft::embedded {

class JournalWriteGroup {
 public:
  // What one writer asks to commit: its batches, all or none.
  using Batches = std::vector<const JournalBatch*>;
  using Result = std::expected<void, std::string>;
  // Commits the writers' batches in one transaction and returns one result per writer, in
  // order. Called on the leader's thread, with no lock of the group held.
  using Commit = std::function<std::vector<Result>(std::span<const Batches* const> writers)>;

  // The most writers one transaction takes: enough for every client thread of a process, few
  // enough that one commit does not hold SQLite's lock for long.
  static constexpr std::size_t kMaxWriters = 256;

  // The group of this process for the journal file at `path`, shared by every connection open
  // on it; a group of its own when the file cannot be examined.
  static std::shared_ptr<JournalWriteGroup> Of(const std::filesystem::path& path);

  // A group without a lock file (Of() makes the real ones): for tests of the queue.
  JournalWriteGroup() = default;
  explicit JournalWriteGroup(int lock_fd) : lock_fd_(lock_fd) {}
  ~JournalWriteGroup();
  JournalWriteGroup(const JournalWriteGroup&) = delete;
  JournalWriteGroup& operator=(const JournalWriteGroup&) = delete;

  // Commits `batches`, alone or together with other writers' (through `commit` if this writer
  // leads, through another writer's otherwise).
  Result Write(const Batches& batches, const Commit& commit);

  // How many writers are queued, the leader included: for tests that arrange a group.
  std::size_t queued();

 private:
  struct Writer {
    const Batches* batches = nullptr;
    Result result;
    bool done = false;
    std::condition_variable turn;
  };

  int lock_fd_ = -1;  // "<journal>.write-lock", flock'ed by the leader around a commit; -1: none
  std::mutex mutex_;
  std::deque<Writer*> queue_;  // front: the leader, committing or about to
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_JOURNAL_WRITE_GROUP_H_
