// ProgressPrinter: ProgressLines (progress_line.h) as `weft run` and `weft resume` print them on
// stderr. On a terminal, a line that is not kept is rewritten in place by the next one and
// erased by Finish(), so that the screen keeps only the lines that matter; elsewhere (a file, a
// pipe) every line is printed, one per line, with no control characters.
//
// The stream is the caller's and outlives the printer. Any thread may call it: the engine's
// thread prints progress while the caller's finishes.
#ifndef WEFT_RUNTIME_CLIENT_PROGRESS_PRINTER_H_
#define WEFT_RUNTIME_CLIENT_PROGRESS_PRINTER_H_

#include <mutex>
#include <ostream>

#include "runtime/client/progress_line.h"

namespace weft::client {

class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

  void Print(const ProgressLine& line);
  // Erases a line left to be rewritten, before anything else is printed.
  void Finish();

 private:
  std::ostream& out_;
  const bool terminal_;
  bool transient_ = false;  // the last line printed is to be rewritten
  std::mutex mutex_;
};

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_PROGRESS_PRINTER_H_
