#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <stdexcept>

namespace weft::testing {

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  // Close-on-exec: a process started at the same time from another thread must not inherit
  // this one's pipes, or this one's output would not end until that other process does.
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);

  // Feed stdin and drain both outputs together, so that no pipe fills up and blocks the child.
  signal(SIGPIPE, SIG_IGN);
  ProcessResult result;
  std::size_t written = 0;
  int stdin_fd = in[1];
  if (input.empty()) {
    close(stdin_fd);
    stdin_fd = -1;
  }
  std::array<char, 65536> buffer;
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out[0], POLLIN, 0});
    if (err_open) fds.push_back({err[0], POLLIN, 0});
    if (stdin_fd >= 0) fds.push_back({stdin_fd, POLLOUT, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    for (const pollfd& fd : fds) {
      if (fd.revents == 0) continue;
      if (fd.fd == stdin_fd) {
        ssize_t n = write(stdin_fd, input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 || written == input.size()) {
          close(stdin_fd);
          stdin_fd = -1;
        }
        continue;
      }
      ssize_t n = read(fd.fd, buffer.data(), buffer.size());
      std::string& sink = fd.fd == out[0] ? result.out : result.err;
      if (n > 0) {
        sink.append(buffer.data(), static_cast<std::size_t>(n));
      } else {
        (fd.fd == out[0] ? out_open : err_open) = false;
      }
    }
  }
  if (stdin_fd >= 0) close(stdin_fd);
  close(out[0]);
  close(err[0]);

  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string WeftBinary() {
  const char* path = std::getenv("WEFT_BINARY");
  if (path == nullptr || *path == '\0') {
    throw std::runtime_error("WEFT_BINARY is not set; run the tests through ctest");
  }
  return path;
}

}  // namespace weft::testing
