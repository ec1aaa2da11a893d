// ScheduleRunner: fires, on the embedded engine, the schedules the served definitions declare
// (`schedules:`), with the meaning Temporal's schedule service gives them: the nominal times of
// schedule_calendar.h, each delayed by its jitter; the overlap policy while the schedule's last
// run is open (skip, buffer_one, buffer_all, cancel_other, terminate_other, allow_all); a time
// missed while no service ran fires late only within the catch-up window (default one year,
// as Temporal's); `pause_on_failure` pauses the schedule when one of its runs fails or times
// out; a schedule declared `paused` never fires.
//
// A fire is a pending run in the journal, created in one transaction with the schedule's
// record (journal.h, ScheduleRecord), as `weft run --detach` creates one: the engine holding
// the lease starts it. Its workflow id is "<workflow>.<schedule id>-<nominal time, RFC 3339>",
// as Temporal names a scheduled run. Because the record is durable, a service restarted (or a
// new one on the same journal) neither fires a time twice nor forgets runs owed to a buffer.
// A schedule first seen fires from that moment on, not for the past; a pause set by
// pause_on_failure lasts until the declaration changes.
//
// A ScheduleRunner holds its own journal connection. One thread calls it (the service's).
#ifndef WEFT_RUNTIME_EMBEDDED_SCHEDULE_RUNNER_H_
#define WEFT_RUNTIME_EMBEDDED_SCHEDULE_RUNNER_H_

#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/definition.h"
#include "runtime/embedded/journal_client.h"
#include "runtime/schedule/schedule_calendar.h"

namespace weft::embedded {

class ScheduleRunner {
 public:
  struct Counters {
    std::uint64_t started = 0;          // runs started
    std::uint64_t overlap_skipped = 0;  // times not acted on: the last run was open (skip)
    std::uint64_t missed_catchup = 0;   // times older than the catch-up window when seen
    std::uint64_t buffered = 0;         // times owed to a buffer when they came
  };

  static std::expected<ScheduleRunner, std::string> Open(const std::filesystem::path& journal);

  // Acts on everything due at `now_ms` (Unix milliseconds) for the schedules of
  // `definitions` (every version; the newest of each name declares). Returns the time of the
  // next nominal fire, or none. Problems (a bad cron string, a journal error) are logged once
  // per declaration and leave the other schedules firing.
  std::optional<std::int64_t> Tick(
      const std::vector<std::shared_ptr<const dsl::Definition>>& definitions, std::int64_t now_ms);

  const Counters& counters() const { return counters_; }

 private:
  struct Known {
    std::string fingerprint;
    std::optional<schedule::ScheduleCalendar> calendar;  // none: the declaration is broken
  };

  explicit ScheduleRunner(JournalClient client) : client_(std::move(client)) {}

  JournalClient client_;
  std::map<std::string, Known> known_;  // by key
  Counters counters_;
};

// "2026-12-05T02:00:00Z".
std::string Rfc3339Utc(std::int64_t unix_ms);

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_SCHEDULE_RUNNER_H_
