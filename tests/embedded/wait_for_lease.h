// WaitForLease: the journal's lease for a test driver that is started again after a SIGKILL
// (the crash test's and the soak's drivers). The kernel released a killed driver's lease at
// once; a lease still held is another engine's, which this one waits for. Header-only; called
// from a driver's main thread.
#ifndef WEFT_TESTS_EMBEDDED_WAIT_FOR_LEASE_H_
#define WEFT_TESTS_EMBEDDED_WAIT_FOR_LEASE_H_

#include <chrono>
#include <expected>
#include <filesystem>
#include <string>
#include <thread>

#include "runtime/embedded/journal_lease.h"

namespace weft::testing {

// The lease, or why it cannot be taken (not that another process holds it: that is waited out).
inline std::expected<embedded::JournalLease, std::string> WaitForLease(
    const std::filesystem::path& journal_path) {
  while (true) {
    auto acquired = embedded::JournalLease::TryAcquire(journal_path);
    if (!acquired) return std::unexpected(acquired.error());
    if (*acquired) return std::move(**acquired);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace weft::testing

#endif  // WEFT_TESTS_EMBEDDED_WAIT_FOR_LEASE_H_
