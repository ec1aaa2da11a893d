// ProgressLine: what a person watching a run on the embedded engine reads of each progress
// event (embedded::ProgressEvent): "✓ /steps/0 charge 0.4s", "↻ ... retrying", "⏲ waiting ...".
// A line that is kept stays on the screen; one that is not (an activity that has only started)
// may be overwritten by the next on a terminal. `weft run` and `weft resume` print them.
//
// A pure function; any thread may call it.
#ifndef WEFT_RUNTIME_CLIENT_PROGRESS_LINE_H_
#define WEFT_RUNTIME_CLIENT_PROGRESS_LINE_H_

#include <cstdint>
#include <string>

#include "runtime/embedded/engine.h"

namespace weft::client {

struct ProgressLine {
  std::string text;
  bool keep = true;
};

ProgressLine DescribeProgress(const embedded::ProgressEvent& event);

// A duration as the run's lines show it, to a tenth of a second: "0.4s", "12.0s".
std::string FormatSeconds(std::int64_t ms);

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_PROGRESS_LINE_H_
