#include "agents/weft_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace weft::agents {
namespace {

std::string SelfExecutable() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string("weft") : path.string();
}

// Reads what is there now; false once the pipe is closed.
bool Drain(int fd, std::string& into) {
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

}  // namespace

ProcessOutput RunWeft(const std::filesystem::path& weft, const std::vector<std::string>& arguments,
                      std::chrono::milliseconds timeout) {
  ProcessOutput output;
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    output.err = std::string("pipe: ") + std::strerror(errno);
    return output;
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    output.err = std::string("pipe: ") + std::strerror(errno);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return output;
  }
  const std::string program = weft.empty() ? SelfExecutable() : weft.string();
  std::vector<std::string> argv_storage = {program};
  argv_storage.insert(argv_storage.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : argv_storage) argv.push_back(argument.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawned != 0) {
    output.err = "cannot run " + program + ": " + std::strerror(spawned);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return output;
  }
  ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true;
  bool err_open = true;
  int status = 0;
  bool exited = false;
  bool terminated = false;
  while (!exited) {
    pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0},
                     {err_open ? err_pipe[0] : -1, POLLIN, 0}};
    ::poll(fds, 2, 50);
    if (out_open) out_open = Drain(out_pipe[0], output.out);
    if (err_open) err_open = Drain(err_pipe[0], output.err);
    const pid_t waited = ::waitpid(pid, &status, WNOHANG);
    if (waited == pid) {
      exited = true;
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now > deadline && !terminated) {
      output.timed_out = true;
      ::kill(pid, SIGTERM);
      terminated = true;
    } else if (terminated && now > deadline + std::chrono::seconds(5)) {
      ::kill(pid, SIGKILL);
    }
  }
  // What the child wrote before it exited is in the pipes now.
  if (out_open) Drain(out_pipe[0], output.out);
  if (err_open) Drain(err_pipe[0], output.err);
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return output;
}

}  // namespace weft::agents
