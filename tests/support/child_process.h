// A program a test runs in the background (a server, an SDK worker), tied to the test's life:
// it is killed when the ChildProcess is destroyed and, through PR_SET_PDEATHSIG, also when the
// test process dies any other way. Its stdout and stderr go to a log file that failures quote.
#ifndef WEFT_TESTS_SUPPORT_CHILD_PROCESS_H_
#define WEFT_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace weft::testing {

class ChildProcess {
 public:
  // Starts argv[0] (looked up on PATH if not a path) with extra environment variables.
  // Throws std::runtime_error if it cannot be started.
  static std::unique_ptr<ChildProcess> Start(const std::vector<std::string>& argv,
                                             const std::map<std::string, std::string>& env = {});

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

  // The last `max_bytes` of what it printed.
  std::string LogTail(std::size_t max_bytes = 4000) const;

  // Waits until its output contains `text`. Throws std::runtime_error, quoting the log, if it
  // exits first or `timeout` passes.
  void WaitForOutput(const std::string& text, std::chrono::milliseconds timeout);

  // True while it runs; reaps it once it has exited.
  bool Running();

  // SIGTERM, then SIGKILL if it has not exited within `grace`.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  ChildProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_ = 0;
  std::string log_path_;
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_SUPPORT_CHILD_PROCESS_H_
