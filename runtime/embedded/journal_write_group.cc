#include "runtime/embedded/journal_write_group.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <utility>

namespace weft::embedded {

std::shared_ptr<JournalWriteGroup> JournalWriteGroup::Of(const std::filesystem::path& path) {
  struct stat file {};
  if (::stat(path.c_str(), &file) != 0) return std::make_shared<JournalWriteGroup>();
  static std::mutex guard;
  static std::map<std::pair<dev_t, ino_t>, std::weak_ptr<JournalWriteGroup>> groups;
  std::lock_guard lock(guard);
  std::weak_ptr<JournalWriteGroup>& known = groups[{file.st_dev, file.st_ino}];
  std::shared_ptr<JournalWriteGroup> group = known.lock();
  if (!group) {
    const std::string lock_path = BesideJournal(path, ".write-lock").string();
    group = std::make_shared<JournalWriteGroup>(
        ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    known = group;
  }
  return group;
}

JournalWriteGroup::~JournalWriteGroup() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

namespace {

// flock(2), again when a signal interrupts it. A failure other than that (no such lock on this
// file system) leaves the writers to SQLite's busy handler.
bool Flock(int fd, int operation) {
  while (::flock(fd, operation) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

}  // namespace

JournalWriteGroup::Result JournalWriteGroup::Write(const Batches& batches, const Commit& commit) {
  Writer self;
  self.batches = &batches;
  std::unique_lock lock(mutex_);
  queue_.push_back(&self);
  // Woken either because a leader committed this writer's batches or because it now leads.
  self.turn.wait(lock, [&] { return self.done || queue_.front() == &self; });
  if (self.done) return std::move(self.result);

  // Leading: take this writer and those queued behind it, up to the limit.
  const std::size_t taken = std::min(queue_.size(), kMaxWriters);
  std::vector<const Batches*> writers;
  writers.reserve(taken);
  for (std::size_t i = 0; i < taken; ++i) writers.push_back(queue_[i]->batches);
  lock.unlock();
  const bool locked = lock_fd_ >= 0 && Flock(lock_fd_, LOCK_EX);
  std::vector<Result> results = commit(writers);
  if (locked) Flock(lock_fd_, LOCK_UN);
  lock.lock();
  for (std::size_t i = 0; i < taken; ++i) {
    Writer* writer = queue_.front();
    queue_.pop_front();
    writer->result = i < results.size()
                         ? std::move(results[i])
                         : Result(std::unexpected("journal commit gave no result for a writer"));
    writer->done = true;
    if (writer != &self) writer->turn.notify_one();
  }
  if (!queue_.empty()) queue_.front()->turn.notify_one();  // the next leader
  return std::move(self.result);
}

std::size_t JournalWriteGroup::queued() {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace weft::embedded
