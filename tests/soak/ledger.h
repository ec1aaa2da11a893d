// Ledger: the soak's record of activity executions, kept outside weft. soak.step appends a
// `start` line before it works and an `end` line once it has its outcome, each with a token
// that names this one execution; the engine then records the token with the completion, so
// the checker can tell which execution's completion the engine kept (soak_checker.h).
//
//   start <token> <attempt> <activity id>
//   end <token> <attempt> <activity id> <ok|error>
//
// An activity id is "<workflow id>#<step id>[.<index>]" (soak_workflow.h). Lines are written
// with one write(2) on a file opened with O_APPEND, so that lines of concurrent executions and
// of processes that follow each other never interleave, and their order in the file is the
// order in which they were written. A line cut short by a SIGKILL cannot happen (one write),
// but ReadLedger skips any line it cannot parse and counts it.
//
// LedgerWriter is thread-safe (the kernel orders the appends); the rest is pure.
#ifndef WEFT_TESTS_SOAK_LEDGER_H_
#define WEFT_TESTS_SOAK_LEDGER_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace weft::soak {

struct LedgerLine {
  enum class Phase { kStart, kEnd };
  Phase phase = Phase::kStart;
  std::string token;
  int attempt = 0;
  std::string activity;
  bool ok = true;  // kEnd: the execution returned a result (not an error)
};

std::string FormatLedgerLine(const LedgerLine& line);

struct Ledger {
  std::vector<LedgerLine> lines;  // in file order
  int unreadable = 0;
};

Ledger ParseLedger(const std::string& text);
Ledger ReadLedger(const std::string& path);

class LedgerWriter {
 public:
  // Opens (creates) `path` for appending; aborts the process if it cannot, since a soak with
  // no ledger proves nothing.
  explicit LedgerWriter(const std::string& path);
  ~LedgerWriter();
  LedgerWriter(const LedgerWriter&) = delete;
  LedgerWriter& operator=(const LedgerWriter&) = delete;

  // False if the line could not be written whole.
  bool Append(const LedgerLine& line);

 private:
  int fd_ = -1;
};

// What a soak prints of its ledger.
struct LedgerFigures {
  std::int64_t starts = 0;      // executions
  std::int64_t ends_ok = 0;     // executions that returned a result
  std::int64_t ends_error = 0;  // executions that failed (on purpose, or flaky)
  std::int64_t cut_short = 0;   // started and never ended: a kill caught them in flight
  std::int64_t activities = 0;  // distinct activity ids
  std::int64_t ran_again = 0;   // activities with more than one start
  std::int64_t unreadable = 0;
};

LedgerFigures SummarizeLedger(const Ledger& ledger);
std::string FormatLedgerFigures(const LedgerFigures& figures);

// The ledger's size in bytes (0 while it does not exist), and a wait until it exceeds `size`:
// how a soak kills at a random point of the work rather than of the clock. False on timeout.
std::uintmax_t LedgerSize(const std::string& path);
bool WaitUntilLedgerExceeds(const std::string& path, std::uintmax_t size,
                            std::chrono::milliseconds timeout);

// A token unique across the processes of a soak: the pid, a random number drawn once per
// process (pids are reused over hundreds of restarts) and a counter.
std::string NewExecutionToken();

}  // namespace weft::soak

#endif  // WEFT_TESTS_SOAK_LEDGER_H_
