#include "runtime/client/progress_printer.h"

namespace weft::client {
namespace {

// Carriage return, then erase to the end of the line (ANSI "EL").
constexpr const char* kClearLine = "\r\033[K";

}  // namespace

void ProgressPrinter::Print(const ProgressLine& line) {
  std::lock_guard lock(mutex_);
  if (!terminal_) {
    out_ << line.text << "\n";
    return;
  }
  out_ << kClearLine << line.text << (line.keep ? "\n" : "") << std::flush;
  transient_ = !line.keep;
}

void ProgressPrinter::Finish() {
  std::lock_guard lock(mutex_);
  if (terminal_ && transient_) out_ << kClearLine << std::flush;
  transient_ = false;
}

}  // namespace weft::client
