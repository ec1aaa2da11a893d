#include "runtime/embedded/journal_bell.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <vector>

namespace weft::embedded {
namespace {

// How long a waiter's thread blocks in the engine before it looks whether its client is still
// there: a client that went away (Ctrl-C on `weft result`) frees its thread within this.
constexpr std::chrono::seconds kHangUpCheck{1};

// The client closed its end, or its connection broke.
bool PeerGone(int fd) {
  pollfd entry{.fd = fd, .events = POLLIN | POLLRDHUP, .revents = 0};
  return ::poll(&entry, 1, 0) != 0;  // nothing more is ever sent: readable means gone
}

}  // namespace

std::optional<std::string> bell::Address(const std::filesystem::path& journal) {
  struct stat file {};
  if (::stat(journal.c_str(), &file) != 0) return std::nullopt;
  char name[64];
  std::snprintf(name, sizeof name, "weft-journal-bell/%llx:%llx",
                static_cast<unsigned long long>(file.st_dev),
                static_cast<unsigned long long>(file.st_ino));
  return std::string(1, '\0') + name;
}

std::expected<std::unique_ptr<JournalBell>, std::string> JournalBell::Listen(
    const std::filesystem::path& journal, Engine& engine) {
  const std::optional<std::string> address = bell::Address(journal);
  if (!address) return std::unexpected("cannot examine " + journal.string());
  sockaddr_un where{};
  where.sun_family = AF_UNIX;
  std::memcpy(where.sun_path, address->data(), address->size());
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address->size());
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::unexpected(std::string("socket: ") + std::strerror(errno));
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&where), length) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return std::unexpected("the doorbell of " + journal.string() + ": " + why);
  }
  const int stop_fd = ::eventfd(0, EFD_CLOEXEC);
  if (stop_fd < 0) {
    ::close(fd);
    return std::unexpected(std::string("eventfd: ") + std::strerror(errno));
  }
  return std::unique_ptr<JournalBell>(new JournalBell(engine, fd, stop_fd));
}

JournalBell::JournalBell(Engine& engine, int listen_fd, int stop_fd)
    : engine_(engine), listen_fd_(listen_fd), stop_fd_(stop_fd) {
  listener_ = std::thread([this] { Accept(); });
}

JournalBell::~JournalBell() {
  const std::uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof one);
  listener_.join();
  ::close(listen_fd_);
  ::close(stop_fd_);
  // Each waiter's thread returns from the engine, closes its connection (its client falls
  // back to the journal) and is joined by its jthread's destructor.
  for (Waiter& waiter : waiters_) waiter.thread.request_stop();
  waiters_.clear();
}

void JournalBell::Accept() {
  // Connections accepted whose request has not arrived yet.
  std::vector<int> pending;
  while (true) {
    std::vector<pollfd> fds{{.fd = stop_fd_, .events = POLLIN, .revents = 0},
                            {.fd = listen_fd_, .events = POLLIN, .revents = 0}};
    for (int fd : pending) fds.push_back({.fd = fd, .events = POLLIN, .revents = 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::warn("doorbell: poll: {}; it stops", std::strerror(errno));
      break;
    }
    if (fds[0].revents != 0) break;
    pending.clear();
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0 || !Serve(fds[i].fd)) pending.push_back(fds[i].fd);
    }
    if (fds[1].revents != 0) {
      while (true) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;  // none left (or an error: the next poll says)
        if (!Serve(fd)) pending.push_back(fd);
      }
    }
    ReapFinished();
  }
  for (int fd : pending) ::close(fd);
}

bool JournalBell::Serve(int fd) {
  char message[bell::kMaxMessage];
  const ssize_t got = ::recv(fd, message, sizeof message, 0);
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
  const std::string_view request(message, got > 0 ? static_cast<std::size_t>(got) : 0);
  if (request == bell::kRingMessage) {
    engine_.PollInboxNow();
  } else if (request.starts_with(bell::kAwaitRunMessage) &&
             request.size() > bell::kAwaitRunMessage.size()) {
    engine_.PollInboxNow();  // the run may be one the client has just created
    Waiter& waiter = waiters_.emplace_back();
    waiter.fd = fd;
    waiter.run_id = std::string(request.substr(bell::kAwaitRunMessage.size()));
    waiter.thread = std::jthread([this, &waiter](std::stop_token stop) { Await(waiter, stop); });
    return true;
  }
  ::close(fd);
  return true;
}

void JournalBell::Await(Waiter& waiter, std::stop_token stop) {
  while (!stop.stop_requested()) {
    const auto began = std::chrono::steady_clock::now();
    if (engine_.WaitForRun(waiter.run_id, kHangUpCheck, stop)) {
      (void)::send(waiter.fd, bell::kRunClosedMessage.data(), bell::kRunClosedMessage.size(),
                   MSG_NOSIGNAL);
      break;
    }
    // Back before its time without an outcome: the run is unknown or the engine failed, and
    // the client is better served by the journal.
    if (std::chrono::steady_clock::now() - began < kHangUpCheck) break;
    if (PeerGone(waiter.fd)) break;
  }
  ::close(waiter.fd);
  waiter.done.store(true);
}

void JournalBell::ReapFinished() {
  waiters_.remove_if([](const Waiter& waiter) { return waiter.done.load(); });
}

}  // namespace weft::embedded
