// The client side of a journal's doorbell (journal_bell.h): what a process that does not hold
// the lease uses to reach the engine that does without polling. Ring() after writing a run or
// an inbox row; AwaitRun() instead of sleeping between looks at a run. Both are hints on top
// of the journal, which stays the truth: when no engine listens (none runs, or an older weft
// does), or the bell hangs up (the engine stopped, failed or was killed), AwaitRun() says
// kNoBell at once and the caller falls back to polling the journal, where the lease's own
// hand-over applies.
//
// Stateless functions; any thread. Each opens a connection of its own (a few microseconds on
// an abstract Unix socket).
#ifndef WEFT_RUNTIME_EMBEDDED_BELL_CLIENT_H_
#define WEFT_RUNTIME_EMBEDDED_BELL_CLIENT_H_

#include <chrono>
#include <filesystem>
#include <string>

namespace weft::embedded::bell {

// Asks the engine of `journal`, if one listens, to read its inbox now. False when none does.
bool Ring(const std::filesystem::path& journal);

enum class Answer {
  kClosed,    // the run has closed, and its close is in the journal
  kTimedOut,  // still open after `timeout`; the bell is there
  kNoBell,    // nobody listens, or the bell hung up without an answer: poll the journal
};
// Waits at the bell of `journal` until `run_id` closes, at most `timeout`. Rings as it asks,
// so a run just written needs no Ring() of its own.
Answer AwaitRun(const std::filesystem::path& journal, const std::string& run_id,
                std::chrono::milliseconds timeout);

}  // namespace weft::embedded::bell

#endif  // WEFT_RUNTIME_EMBEDDED_BELL_CLIENT_H_
