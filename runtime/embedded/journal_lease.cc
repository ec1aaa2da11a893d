#include "runtime/embedded/journal_lease.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

namespace weft::embedded {
namespace {

std::filesystem::path LockPath(const std::filesystem::path& journal_path) {
  return journal_path.string() + ".lock";
}

}  // namespace

std::expected<std::optional<JournalLease>, std::string> JournalLease::TryAcquire(
    const std::filesystem::path& journal_path) {
  std::error_code failed;
  if (journal_path.has_parent_path()) {
    std::filesystem::create_directories(journal_path.parent_path(), failed);
  }
  const auto path = LockPath(journal_path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected("cannot open " + path.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) return std::nullopt;
    return std::unexpected("cannot lock " + path.string() + ": " + std::strerror(error));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  }
  return JournalLease(fd);
}

bool JournalLease::IsHeld(const std::filesystem::path& journal_path) {
  const auto path = LockPath(journal_path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

long JournalLease::HolderPid(const std::filesystem::path& journal_path) {
  std::ifstream in(LockPath(journal_path));
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
