// JournalLease: which process executes the runs of a journal. The engine holds an exclusive
// open-file-description lock (fcntl F_OFD_SETLK) on "<journal>.lock", beside the journal's real
// path (symlinks resolved, so that every spelling of a path shares one lease), for as long as
// it runs;
// the kernel releases it when the last descriptor of that open file goes, so a crashed engine
// (SIGKILL included) never leaves a stale lease. Other processes (`weft signal`, a second
// `weft run`) never execute runs: they write to the journal's inbox and wait for the lease
// holder to answer, or take the lease when it is free.
//
// Why OFD locks and not flock(2): IsHeld() must look without taking anything. A probe that
// took a shared lock for an instant (as a flock probe must) made a concurrent TryAcquire fail
// although nobody held the lease, and with hundreds of clients probing, a background engine
// was then not started for a run that needed one. F_OFD_GETLK only asks.
//
// Handing over: a holder may pass the lease to a child process without ever letting go of it
// (host.h starts the background engine so): the child inherits the descriptor, named by the
// environment variable kInheritedDescriptor, and its TryAcquire() adopts it. Between the check
// "is an engine running?" and "one is" there is thus no window in which a second engine could
// be started.
//
// Movable; release by destruction. The holder's pid is written into the file for messages.
// Thread-safe static functions; one thread at a time per JournalLease.
#ifndef WEFT_RUNTIME_EMBEDDED_JOURNAL_LEASE_H_
#define WEFT_RUNTIME_EMBEDDED_JOURNAL_LEASE_H_

#include <expected>
#include <filesystem>
#include <optional>
#include <string>

namespace weft::embedded {

class JournalLease {
 public:
  // Names the inherited descriptor of a lease handed to this process ("7").
  static constexpr const char* kInheritedDescriptor = "WEFT_JOURNAL_LEASE_FD";

  // nullopt when another process holds it; an error when the lock file cannot be opened. A
  // lease inherited from the parent (kInheritedDescriptor, the same lock file) is adopted by
  // the first call.
  static std::expected<std::optional<JournalLease>, std::string> TryAcquire(
      const std::filesystem::path& journal_path);
  // True when some open file other than the caller's holds the lease. Takes nothing.
  static bool IsHeld(const std::filesystem::path& journal_path);
  // The pid written by the holder, 0 when unknown.
  static long HolderPid(const std::filesystem::path& journal_path);

  JournalLease(JournalLease&& other) noexcept;
  JournalLease& operator=(JournalLease&& other) noexcept;
  JournalLease(const JournalLease&) = delete;
  JournalLease& operator=(const JournalLease&) = delete;
  ~JournalLease();

  // The descriptor that holds the lock, for a child that is to inherit it (host.h's
  // SpawnDetached). The lease stays held while any copy of it is open.
  int descriptor() const { return fd_; }

 private:
  explicit JournalLease(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_JOURNAL_LEASE_H_
