#include "runtime/client/progress_line.h"

#include <cstdio>

namespace weft::client {
std::string FormatSeconds(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms) / 1000.0);
  return text;
}

ProgressLine DescribeProgress(const embedded::ProgressEvent& e) {
  using Kind = embedded::ProgressEvent::Kind;
  // The step as the definition names it ("charge_payment", "resize[3]"); an event without one
  // falls back to its path.
  const std::string step = (e.step.empty() ? e.step_path : e.step) + " " + e.activity_type;
  const std::string attempt = " attempt " + std::to_string(e.attempt);
  switch (e.kind) {
    case Kind::kRunStarted:
      return {"run " + e.run_id + " (" + e.workflow_id + ") started"};
    case Kind::kActivityStarted:
      return {"… " + step + attempt, false};
    case Kind::kActivityCompleted:
      return {"✓ " + step + (e.attempt > 1 ? attempt : "") + " " + FormatSeconds(e.elapsed_ms)};
    case Kind::kActivityRetrying:
      return {"↻ " + step + attempt + " failed after " + FormatSeconds(e.elapsed_ms) + ": " +
              e.message + "; retrying"};
    case Kind::kActivityFailed:
      return {"✗ " + step + attempt + " failed: " + e.message};
    case Kind::kTimerStarted:
      return {"⏲ waiting " + FormatSeconds(e.elapsed_ms) + " (durable timer)"};
    case Kind::kRunClosed:
      return {"run " + e.run_id + " " + e.message + " after " + FormatSeconds(e.elapsed_ms)};
  }
  return {e.message};
}

}  // namespace weft::client
