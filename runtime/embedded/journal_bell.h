// JournalBell: the doorbell by which other processes reach the engine that executes a journal's
// runs without polling. The process that holds the journal's lease and runs an Engine listens
// on a Unix-domain socket in Linux's abstract namespace; a client that has written a run or an
// inbox row rings it, so that the engine reads the journal now rather than at its next inbox
// poll, and a client awaiting a run waits on a connection that the engine answers when the run
// closes. The journal stays the only record: the bell carries no data, only "look" and
// "it closed", and a client that finds no bell (no engine, an older weft) or loses it (the
// engine stopped or was killed: the kernel closes its sockets) falls back to polling the
// journal (bell_client.h). The engine's own inbox poll stays as the safety net.
//
// The address derives from the journal file's identity (st_dev, st_ino), so that a symlink, a
// relative path or a hard link reach the same bell; an abstract socket needs no file and goes
// with its process.
//
// Protocol: SOCK_SEQPACKET, one request per connection, one message each way, ASCII:
//   "ring"               the engine polls its inbox at once; no answer, the listener closes.
//   "await-run <run id>" rings too, then answers "closed" once the run (following
//                        continue-as-new) has closed and its close is committed. The listener
//                        closes without an answer when it cannot tell: the run is unknown, the
//                        engine failed, or the bell stops (before its engine does).
// A listener ignores (closes) what it does not understand, so the protocol may grow.
//
// Ownership and threads: a JournalBell borrows its Engine, which must outlive it (Host stops
// the bell before the engine). One thread does everything: it accepts connections, answers
// rings, and holds every "await-run" connection with a watch on its run (Engine::WatchRun),
// whose wake it hears through an eventfd; it answers a waiter when its run has closed, and
// drops one whose client hung up. A thread for each waiter, blocked in Engine::WaitForRun, cost
// `weft serve` a fifth of its CPU with an agent's runs (bench/RESULTS.md, "Runs started over
// MCP"). Construction and destruction from one thread.
#ifndef WEFT_RUNTIME_EMBEDDED_JOURNAL_BELL_H_
#define WEFT_RUNTIME_EMBEDDED_JOURNAL_BELL_H_

#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "runtime/embedded/engine.h"

namespace weft::embedded {

namespace bell {
inline constexpr std::string_view kRingMessage = "ring";
inline constexpr std::string_view kAwaitRunMessage = "await-run ";
inline constexpr std::string_view kRunClosedMessage = "closed";
// The longest message: "await-run " and a run id (ids are 36 characters; room to spare).
inline constexpr std::size_t kMaxMessage = 256;

// The bell's abstract address (leading NUL included) for the journal at `journal`: derived
// from the file's device and inode. nullopt when the file cannot be examined (it does not
// exist yet: then no engine has opened it either).
std::optional<std::string> Address(const std::filesystem::path& journal);
}  // namespace bell

class JournalBell {
 public:
  // Listens for `journal` on behalf of `engine`. An error when the address is taken (another
  // process listens: a second engine on a hard link, or an older one still stopping) or a
  // socket cannot be made; the caller logs it and goes on without a bell.
  static std::expected<std::unique_ptr<JournalBell>, std::string> Listen(
      const std::filesystem::path& journal, Engine& engine);
  // Stops: the listening socket and every waiting connection are closed, so that clients fall
  // back to the journal, and every thread is joined.
  ~JournalBell();
  JournalBell(const JournalBell&) = delete;
  JournalBell& operator=(const JournalBell&) = delete;

 private:
  // One "await-run" connection and the watch on its run.
  struct Waiter {
    int fd = -1;
    std::string run_id;
    std::uint64_t watch = 0;
  };

  JournalBell(Engine& engine, int listen_fd, int stop_fd, int woken_fd);
  void Loop();  // the bell's thread
  // Answers the request waiting on `fd` and takes the connection (closes it, or keeps it as a
  // waiter); false, keeping nothing, when the request has not arrived yet.
  bool Serve(int fd);
  // Watches the waiter's run, or answers it (closed) or hangs up (unknown run, failed engine);
  // false when the waiter is done with, its connection closed.
  bool Watch(std::uint64_t id, Waiter& waiter);
  void Drop(Waiter& waiter);  // unwatches and closes
  // The waiters whose runs were woken since the last call (an engine thread records them).
  std::vector<std::uint64_t> TakeWoken();

  Engine& engine_;
  const int listen_fd_;
  const int stop_fd_;   // an eventfd: written once to stop the thread
  const int woken_fd_;  // an eventfd: written when a watched run may have closed
  std::map<std::uint64_t, Waiter> waiters_;  // the bell's thread, by id
  std::uint64_t next_waiter_ = 1;
  std::mutex woken_mutex_;  // taken by engine threads holding the engine's lock: never the reverse
  std::vector<std::uint64_t> woken_;
  std::thread thread_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_JOURNAL_BELL_H_
