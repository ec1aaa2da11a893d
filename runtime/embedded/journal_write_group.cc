#include "runtime/embedded/journal_write_group.h"

#include <sys/stat.h>

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
    group = std::make_shared<JournalWriteGroup>();
    known = group;
  }
  return group;
}

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
  std::vector<Result> results = commit(writers);
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
