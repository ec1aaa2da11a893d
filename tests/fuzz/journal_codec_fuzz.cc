// Fuzz target: a journal row read back (runtime/embedded/journal_codec.h). The input is the
// text of a JSON column as SQLite returns it from a journal file, which may be damaged or
// written by someone else: it is parsed as the journal parses its columns (leniently, a
// value that does not parse is discarded) and decoded as each kind of row is: an activation's
// jobs, one delivered job, a scheduled activity to re-arm, a failure. Seeds:
// tests/fuzz/corpus/journal_codec, rows of each kind as the engine writes them.
//
// Checked besides memory safety: decoding never throws (each decoder's contract); whatever
// decodes encodes to JSON that decodes again to the same JSON, since a recovered run is
// replayed from what was read, and written again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/embedded/journal_codec.h"
#include "runtime/run/failure_codec.h"

namespace {

namespace embedded = weft::embedded;
using nlohmann::json;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

void CheckJob(const json& value) {
  auto job = embedded::JobFromJson(value);
  if (!job) {
    Check(!job.error().empty());
    return;
  }
  const json encoded = embedded::JobToJson(*job);
  auto again = embedded::JobFromJson(encoded);
  Check(again.has_value());
  Check(embedded::JobToJson(*again) == encoded);
}

void CheckScheduledActivity(const json& value) {
  auto command = embedded::ScheduleActivityFromJson(value);
  if (!command) return;
  const json encoded = embedded::CommandToJson(weft::interpreter::Command(*command));
  auto again = embedded::ScheduleActivityFromJson(encoded);
  Check(again.has_value());
  Check(embedded::CommandToJson(weft::interpreter::Command(*again)) == encoded);
}

void CheckFailure(const json& value) {
  const json encoded = weft::run::FailureToJson(weft::run::FailureFromJson(value));
  Check(weft::run::FailureToJson(weft::run::FailureFromJson(encoded)) == encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return 0;
  if (value.is_array()) {
    auto jobs = embedded::JobsFromJson(value);
    for (const json& item : value) {
      CheckJob(item);
      CheckScheduledActivity(item);
    }
    (void)jobs;
  } else {
    CheckJob(value);
    CheckScheduledActivity(value);
  }
  CheckFailure(value);
  return 0;
}
