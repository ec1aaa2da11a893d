// CallThreads: runs each call on a thread at once: an idle one when one waits, else a new one.
// For a server whose calls may wait for a long time (an MCP tool awaiting a workflow's result):
// a call is never queued behind another, as it would be in a pool of fixed size, and a server
// answering thousands of short calls a second does not start and tear down a thread for each
// (a thread per call cost the MCP server more CPU than the calls themselves: bench/RESULTS.md,
// "Runs started over MCP"). A thread idle for `linger` exits.
//
// Run() may be called from any thread. The destructor waits for every call to return, then
// joins the threads; a call must therefore not wait for the owner's destruction.
#ifndef WEFT_AGENTS_CALL_THREADS_H_
#define WEFT_AGENTS_CALL_THREADS_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace weft::agents {

class CallThreads {
 public:
  explicit CallThreads(std::chrono::milliseconds linger = std::chrono::seconds(10))
      : linger_(linger) {}
  ~CallThreads();
  CallThreads(const CallThreads&) = delete;
  CallThreads& operator=(const CallThreads&) = delete;

  void Run(std::function<void()> call);

  // Threads alive now, busy or idle, and those of them waiting for a call (for tests).
  std::size_t threads() const;
  std::size_t idle() const;

 private:
  void Loop();
  // Joins the threads that have exited; called without the lock.
  void Reap(std::vector<std::thread> exited);

  const std::chrono::milliseconds linger_;
  mutable std::mutex mutex_;
  std::condition_variable queued_or_stopping_;
  std::deque<std::function<void()>> queue_;
  std::size_t idle_ = 0;  // threads waiting for a call
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread> exited_;  // to join: a thread cannot join itself
  bool stopping_ = false;
};

}  // namespace weft::agents

#endif  // WEFT_AGENTS_CALL_THREADS_H_
