#include "agents/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace weft::agents {

std::expected<void, std::string> ReplaceFileAtomically(const std::filesystem::path& path,
                                                       std::string_view text) {
  // Unique per process and call: two calls in flight never share a temporary file.
  static std::atomic<unsigned> counter{0};
  std::error_code failed;
  if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path(), failed);
  if (failed) {
    return std::unexpected("cannot create " + path.parent_path().string() + ": " +
                           failed.message());
  }
  const std::filesystem::path temporary =
      path.parent_path() / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                            "-" + std::to_string(counter++));
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return std::unexpected("cannot write " + temporary.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  int error = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  ::close(fd);
  if (error == 0 && ::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temporary.c_str());
    return std::unexpected("cannot write " + path.string() + ": " + std::strerror(error));
  }
  return {};
}

}  // namespace weft::agents
