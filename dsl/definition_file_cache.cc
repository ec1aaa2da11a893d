#include "dsl/definition_file_cache.h"

#include <sys/stat.h>

#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace weft::dsl {
namespace {

struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  timespec modified{};
  timespec changed{};

  bool operator==(const FileIdentity& other) const {
    return std::tie(device, inode, size, modified.tv_sec, modified.tv_nsec, changed.tv_sec,
                    changed.tv_nsec) == std::tie(other.device, other.inode, other.size,
                                                 other.modified.tv_sec, other.modified.tv_nsec,
                                                 other.changed.tv_sec, other.changed.tv_nsec);
  }
};

struct CachedLoad {
  FileIdentity stamp;
  LoadResult result;
};

constexpr std::size_t kMaxEntries = 1024;

struct LoadCache {
  std::mutex mutex;
  std::map<std::string, CachedLoad> entries;
  DefinitionFileCacheStats stats;
};

LoadCache& TheLoadCache() {
  static LoadCache* cache = new LoadCache();  // never destroyed: threads may load during exit
  return *cache;
}

std::string KeyOf(const std::filesystem::path& path) {
  if (path.is_absolute()) return path.string();
  std::error_code error;
  return std::filesystem::current_path(error).string() + '\n' + path.string();
}

}  // namespace

LoadResult LoadDefinitionFileCached(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return LoadDefinitionFile(path);  // its own WEFT1012
  const FileIdentity stamp{.device = info.st_dev,
                           .inode = info.st_ino,
                           .size = info.st_size,
                           .modified = info.st_mtim,
                           .changed = info.st_ctim};
  const std::string key = KeyOf(path);
  LoadCache& cache = TheLoadCache();
  {
    std::lock_guard lock(cache.mutex);
    if (auto found = cache.entries.find(key);
        found != cache.entries.end() && found->second.stamp == stamp) {
      ++cache.stats.hits;
      return found->second.result;
    }
  }
  // Loaded outside the lock: other files are served meanwhile. Two threads loading one changed
  // file at once both load it; the later store wins, and both results are of the same text.
  LoadResult result = LoadDefinitionFile(path);
  std::lock_guard lock(cache.mutex);
  ++cache.stats.loads;
  // A bound for a long-lived process that reads ever new files (an agent writing definitions):
  // any entry may go, the next read of its file loads it again.
  if (cache.entries.size() >= kMaxEntries && !cache.entries.contains(key)) {
    cache.entries.erase(cache.entries.begin());
  }
  cache.entries.insert_or_assign(key, CachedLoad{stamp, result});
  return result;
}

DefinitionFileCacheStats DefinitionFileCacheStatsNow() {
  LoadCache& cache = TheLoadCache();
  std::lock_guard lock(cache.mutex);
  return cache.stats;
}

}  // namespace weft::dsl
