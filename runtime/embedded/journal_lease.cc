#include "runtime/embedded/journal_lease.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <utility>

#include "runtime/embedded/journal.h"

namespace weft::embedded {
namespace {

std::filesystem::path LeasePath(const std::filesystem::path& journal_path) {
  return BesideJournal(journal_path, ".lock");
}

// True when `path` names the file open as `fd`: a lock file deleted (or replaced) between
// its open and its lock must not count as the lease.
bool Names(const std::filesystem::path& path, int fd) {
  struct stat held {
  }, named{};
  return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 &&
         held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

// The whole file, exclusively, for the open file description of `fd`.
struct flock WholeFile(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 0;
  lock.l_pid = 0;  // required for OFD locks
  return lock;
}

void WritePid(int fd) {
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  }
}

// An inherited lease is adopted once: later calls take the lease the ordinary way.
std::atomic<bool> inherited_consumed{false};

// The descriptor a parent handed down for `lock_path`, locked by this process now; -1 when
// there is none (no variable, another file, or a lock that is not ours after all).
int AdoptInherited(const std::filesystem::path& lock_path) {
  const char* named = std::getenv(JournalLease::kInheritedDescriptor);
  if (named == nullptr || inherited_consumed.exchange(true)) return -1;
  char* end = nullptr;
  const long fd = std::strtol(named, &end, 10);
  if (end == named || *end != '\0' || fd < 0) return -1;
  if (!Names(lock_path, static_cast<int>(fd))) return -1;
  // Locking again through the same open file description succeeds only if it is the holder
  // (or nobody is): either way this process holds the lease now.
  struct flock lock = WholeFile(F_WRLCK);
  if (::fcntl(static_cast<int>(fd), F_OFD_SETLK, &lock) != 0) return -1;
  (void)::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  return static_cast<int>(fd);
}

}  // namespace

std::expected<std::optional<JournalLease>, std::string> JournalLease::TryAcquire(
    const std::filesystem::path& journal_path) {
  std::error_code failed;
  if (journal_path.has_parent_path()) {
    std::filesystem::create_directories(journal_path.parent_path(), failed);
  }
  const auto path = LeasePath(journal_path);
  if (const int inherited = AdoptInherited(path); inherited >= 0) {
    WritePid(inherited);
    return JournalLease(inherited);
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return std::unexpected("cannot open " + path.string() + ": " + std::strerror(errno));
    }
    struct flock lock = WholeFile(F_WRLCK);
    if (::fcntl(fd, F_OFD_SETLK, &lock) != 0) {
      const int error = errno;
      ::close(fd);
      if (error == EAGAIN || error == EACCES) return std::nullopt;
      return std::unexpected("cannot lock " + path.string() + ": " + std::strerror(error));
    }
    if (!Names(path, fd)) {  // locked a file that is gone from the path: try the one there now
      ::close(fd);
      continue;
    }
    WritePid(fd);
    return JournalLease(fd);
  }
  return std::unexpected("cannot lock " + path.string() + ": it keeps being replaced");
}

bool JournalLease::IsHeld(const std::filesystem::path& journal_path) {
  const auto path = LeasePath(journal_path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock probe = WholeFile(F_WRLCK);
  const bool held = ::fcntl(fd, F_OFD_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

long JournalLease::HolderPid(const std::filesystem::path& journal_path) {
  std::ifstream in(LeasePath(journal_path));
  long pid = 0;
  in >> pid;
  return pid;
}

JournalLease::JournalLease(JournalLease&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

JournalLease& JournalLease::operator=(JournalLease&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

JournalLease::~JournalLease() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace weft::embedded
