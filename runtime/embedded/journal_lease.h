// JournalLease: which process executes the runs of a journal. The engine holds an exclusive
// flock(2) on "<journal>.lock" for as long as it runs; the kernel releases it when the process
// dies, SIGKILL included, so a crashed engine never leaves a stale lease. Other processes
// (`weft signal`, a second `weft run`) never execute runs: they write to the journal's inbox
// and wait for the lease holder to answer, or take the lease when it is free.
//
// Movable; release by destruction. The holder's pid is written into the file for messages.
#ifndef WEFT_RUNTIME_EMBEDDED_JOURNAL_LEASE_H_
#define WEFT_RUNTIME_EMBEDDED_JOURNAL_LEASE_H_

#include <expected>
#include <filesystem>
#include <optional>
#include <string>

namespace weft::embedded {

class JournalLease {
 public:
  // nullopt when another process holds it; an error when the lock file cannot be opened.
  static std::expected<std::optional<JournalLease>, std::string> TryAcquire(
      const std::filesystem::path& journal_path);
  // True when some process holds the lease (without taking it).
  static bool IsHeld(const std::filesystem::path& journal_path);
  // The pid written by the holder, 0 when unknown.
  static long HolderPid(const std::filesystem::path& journal_path);

  JournalLease(JournalLease&& other) noexcept;
  JournalLease& operator=(JournalLease&& other) noexcept;
  JournalLease(const JournalLease&) = delete;
  JournalLease& operator=(const JournalLease&) = delete;
  ~JournalLease();

 private:
  explicit JournalLease(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_JOURNAL_LEASE_H_
