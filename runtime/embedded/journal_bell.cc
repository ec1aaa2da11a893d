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
#include <utility>
#include <vector>

namespace weft::embedded {

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
  const int woken_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd < 0 || woken_fd < 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    if (stop_fd >= 0) ::close(stop_fd);
    if (woken_fd >= 0) ::close(woken_fd);
    return std::unexpected("eventfd: " + why);
  }
  return std::unique_ptr<JournalBell>(new JournalBell(engine, fd, stop_fd, woken_fd));
}

JournalBell::JournalBell(Engine& engine, int listen_fd, int stop_fd, int woken_fd)
    : engine_(engine), listen_fd_(listen_fd), stop_fd_(stop_fd), woken_fd_(woken_fd) {
  thread_ = std::thread([this] { Loop(); });
}

JournalBell::~JournalBell() {
  const std::uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof one);
  thread_.join();
  // Every waiter's connection closes unanswered: its client falls back to the journal.
  for (auto& [id, waiter] : waiters_) Drop(waiter);
  ::close(listen_fd_);
  ::close(stop_fd_);
  ::close(woken_fd_);
}

void JournalBell::Loop() {
  // Connections accepted whose request has not arrived yet.
  std::vector<int> pending;
  while (true) {
    std::vector<pollfd> fds{{.fd = stop_fd_, .events = POLLIN, .revents = 0},
                            {.fd = listen_fd_, .events = POLLIN, .revents = 0},
                            {.fd = woken_fd_, .events = POLLIN, .revents = 0}};
    for (int fd : pending) fds.push_back({.fd = fd, .events = POLLIN, .revents = 0});
    // A waiter's client sends nothing more: its socket readable, or hung up, means it is gone.
    std::vector<std::uint64_t> watched;
    for (const auto& [id, waiter] : waiters_) {
      fds.push_back({.fd = waiter.fd, .events = POLLIN | POLLRDHUP, .revents = 0});
      watched.push_back(id);
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::warn("doorbell: poll: {}; it stops", std::strerror(errno));
      break;
    }
    if (fds[0].revents != 0) break;
    const std::size_t first_waiter = 3 + pending.size();
    for (std::size_t i = 0; i < watched.size(); ++i) {
      if (fds[first_waiter + i].revents == 0) continue;
      auto gone = waiters_.find(watched[i]);
      Drop(gone->second);
      waiters_.erase(gone);
    }
    if (fds[2].revents != 0) {
      std::uint64_t count = 0;
      (void)!::read(woken_fd_, &count, sizeof count);
      for (const std::uint64_t id : TakeWoken()) {
        auto woken = waiters_.find(id);
        if (woken == waiters_.end()) continue;  // answered or gone since
        engine_.UnwatchRun(woken->second.watch);
        woken->second.watch = 0;
        if (!Watch(id, woken->second)) waiters_.erase(woken);
      }
    }
    std::vector<int> still_pending;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (fds[3 + i].revents == 0 || !Serve(pending[i])) still_pending.push_back(pending[i]);
    }
    pending = std::move(still_pending);
    if (fds[1].revents != 0) {
      while (true) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;  // none left (or an error: the next poll says)
        if (!Serve(fd)) pending.push_back(fd);
      }
    }
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
    const std::uint64_t id = next_waiter_++;
    Waiter waiter{.fd = fd, .run_id = std::string(request.substr(bell::kAwaitRunMessage.size()))};
    if (Watch(id, waiter)) waiters_.emplace(id, std::move(waiter));
    return true;
  }
  ::close(fd);
  return true;
}

bool JournalBell::Watch(std::uint64_t id, Waiter& waiter) {
  Engine::RunWatch watch = engine_.WatchRun(waiter.run_id, [this, id] {
    // On an engine thread, holding the engine's lock: note it, and wake the bell's thread.
    {
      std::lock_guard lock(woken_mutex_);
      woken_.push_back(id);
    }
    const std::uint64_t one = 1;
    (void)!::write(woken_fd_, &one, sizeof one);
  });
  if (watch.token != 0) {
    waiter.watch = watch.token;
    return true;
  }
  // Closed: answered. Unknown, or the engine failed: hung up on, and the client is better
  // served by the journal.
  if (watch.outcome) {
    (void)::send(waiter.fd, bell::kRunClosedMessage.data(), bell::kRunClosedMessage.size(),
                 MSG_NOSIGNAL);
  }
  Drop(waiter);
  return false;
}

void JournalBell::Drop(Waiter& waiter) {
  if (waiter.watch != 0) engine_.UnwatchRun(waiter.watch);
  waiter.watch = 0;
  ::close(waiter.fd);
  waiter.fd = -1;
}

std::vector<std::uint64_t> JournalBell::TakeWoken() {
  std::lock_guard lock(woken_mutex_);
  return std::exchange(woken_, {});
}

}  // namespace weft::embedded
