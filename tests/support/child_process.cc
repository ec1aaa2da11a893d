#include "tests/support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace weft::testing {

std::unique_ptr<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv,
                                                  const std::map<std::string, std::string>& env) {
  static std::atomic<int> counter{0};
  std::string log_path =
      (std::filesystem::temp_directory_path() /
       ("weft-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".log"))
          .string();
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> assignments;
  for (const auto& [key, value] : env) assignments.push_back(key + "=" + value);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Only async-signal-safe calls until exec, putenv aside (it only stores the pointer).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) _exit(127);
    dup2(null, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    for (std::string& assignment : assignments) putenv(assignment.data());
    execvp(args[0], args.data());
    _exit(127);
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, std::move(log_path)));
}

ChildProcess::~ChildProcess() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove(log_path_, ignored);
}

std::string ChildProcess::LogTail(std::size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

void ChildProcess::WaitForOutput(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (LogTail(1 << 20).find(text) == std::string::npos) {
    if (!Running()) {
      throw std::runtime_error("the process exited before printing `" + text + "`. Its log:\n" +
                               LogTail());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the process did not print `" + text + "` in time. Its log:\n" +
                               LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

bool ChildProcess::Running() {
  if (pid_ == 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = 0;
    return false;
  }
  return true;
}

void ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (!Running()) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = 0;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace weft::testing
