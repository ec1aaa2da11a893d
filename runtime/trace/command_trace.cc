#include "runtime/trace/command_trace.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "runtime/interpreter/command_text.h"

namespace weft::trace {
namespace {

// The trace file, opened once; -1 when WEFT_TRACE is unset or cannot be opened.
int TraceFile() {
  static const int file = [] {
    const char* path = std::getenv("WEFT_TRACE");
    if (path == nullptr || *path == '\0') return -1;
    return ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }();
  return file;
}

}  // namespace

void RecordCommands(std::string_view workflow_id,
                    const std::vector<interpreter::Command>& commands) {
  const int file = TraceFile();
  if (file < 0 || commands.empty()) return;
  std::string lines;
  for (const interpreter::Command& command : commands) {
    // Query answers are not effects on the world, and their timing is the client's.
    if (std::holds_alternative<interpreter::RespondToQuery>(command)) continue;
    lines.append(workflow_id).append(" ").append(interpreter::CommandText(command)).append("\n");
  }
  if (lines.empty()) return;
  // One write: whole lines even when several processes append to the same file.
  [[maybe_unused]] ssize_t written = ::write(file, lines.data(), lines.size());
}

}  // namespace weft::trace
