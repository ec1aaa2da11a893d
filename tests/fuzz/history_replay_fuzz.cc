// Fuzz target: `weft replay` of an exported history (runtime/temporal/history_replayer.h). The
// input is the JSON of a temporal.api.history.v1.History, as `temporal workflow show -o json`
// writes it and as anyone may doctor it; it is read (ReadProtoJson), split into workflow
// tasks and replayed against the definition pinned in it, or the one of workflows/ its type
// names. Seeds: tests/fuzz/corpus/history_replay, histories of workflows/ recorded on a dev
// server, and the canned ones of the replay tests.
//
// Checked besides memory safety: a history that cannot be replayed is an error value, one that
// diverges a report, and neither throws nor hangs.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "runtime/temporal/history_file_replay.h"
#include "runtime/temporal/history_replayer.h"

namespace {

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

const std::shared_ptr<const weft::dsl::DefinitionCatalog>& Catalog() {
  static const auto catalog = weft::temporal::ReplayCatalog(WEFT_SOURCE_DIR "/workflows");
  return catalog;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto replayer = weft::temporal::HistoryReplayer::FromJson(text);
  if (!replayer) {
    Check(!replayer.error().empty());
    return 0;
  }
  auto report = replayer->Replay(Catalog(), "fuzz");
  if (report) {
    Check(report->events == replayer->events());
  } else {
    Check(!report.error().empty());
  }
  return 0;
}
