#include "runtime/embedded/bell_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string_view>

#include "runtime/embedded/journal_bell.h"

namespace weft::embedded::bell {
namespace {

// A connection to the bell of `journal` with `request` sent; -1 when nobody listens.
int Connect(const std::filesystem::path& journal, std::string_view request) {
  const std::optional<std::string> address = Address(journal);
  if (!address) return -1;
  sockaddr_un where{};
  where.sun_family = AF_UNIX;
  std::memcpy(where.sun_path, address->data(), address->size());
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address->size());
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&where), length) != 0 ||
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

bool Ring(const std::filesystem::path& journal) {
  const int fd = Connect(journal, kRingMessage);
  if (fd < 0) return false;
  ::close(fd);  // the message is queued at the listener already
  return true;
}

Answer AwaitRun(const std::filesystem::path& journal, const std::string& run_id,
                std::chrono::milliseconds timeout) {
  const int fd = Connect(journal, std::string(kAwaitRunMessage) + run_id);
  if (fd < 0) return Answer::kNoBell;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Answer answer = Answer::kTimedOut;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) break;
    char message[kMaxMessage];
    const ssize_t got = ready > 0 ? ::recv(fd, message, sizeof message, 0) : -1;
    answer =
        got > 0 && std::string_view(message, static_cast<std::size_t>(got)) == kRunClosedMessage
            ? Answer::kClosed
            : Answer::kNoBell;
    break;
  }
  ::close(fd);
  return answer;
}

}  // namespace weft::embedded::bell
