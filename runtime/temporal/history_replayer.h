// HistoryReplayer: replays a workflow history exported from any Temporal server (the JSON that
// `temporal workflow show -o json` and `weft history` print) against the current build, and
// says whether the build is deterministic for it: the same commands, in the same order, as the
// history recorded (docs/temporal-protocol.md#replay-and-non-determinism). This is `weft replay`,
// and what a release is checked with before it meets running workflows.
//
// The run executes the definition pinned in its own history (interpreter::kDefinitionMarker);
// only a history without a pin (its first workflow task never completed) falls back to the
// catalog. A history that ends inside a workflow task is replayed up to its last completed
// task (docs/temporal-protocol.md#replay-and-non-determinism).
//
// Parsing happens once; Replay() may be called any number of times (benchmarks do) and from
// several threads at once: each call replays into a fresh run.
#ifndef WEFT_RUNTIME_TEMPORAL_HISTORY_REPLAYER_H_
#define WEFT_RUNTIME_TEMPORAL_HISTORY_REPLAYER_H_

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dsl/definition_catalog.h"

namespace weft::temporal {

struct ReplayReport {
  std::string workflow_type;
  std::string definition;           // "name v<version> sha256:<hex>" of the definition replayed
  std::int64_t events = 0;          // in the history
  std::int64_t workflow_tasks = 0;  // replayed
  // Absent when the replay matched history. Otherwise where it diverged: the event (0 when
  // the divergence shows at the end of a task) and the event and command that differ.
  struct Divergence {
    std::int64_t event_id = 0;
    std::string message;
  };
  std::optional<Divergence> divergence;

  bool deterministic() const { return !divergence.has_value(); }
};

class PayloadCodec;

class HistoryReplayer {
 public:
  // Proto3 JSON of a temporal.api.history.v1.History ({"events": [...]}); enum values may be
  // spelled EVENT_TYPE_WORKFLOW_TASK_STARTED or, as older tools wrote them, WorkflowTaskStarted.
  // The error says what does not parse. With `codec`, the history's payloads are decoded with
  // it (an exported history of encrypted payloads); the error then also names a payload that
  // does not decode.
  static std::expected<HistoryReplayer, std::string> FromJson(std::string_view json,
                                                              const PayloadCodec* codec = nullptr);

  HistoryReplayer(HistoryReplayer&&) noexcept;
  HistoryReplayer& operator=(HistoryReplayer&&) noexcept;
  ~HistoryReplayer();

  // `catalog` may be null: a history without a pin then cannot be replayed. The error is for
  // histories that cannot be replayed at all (no start event, no definition); a replay that
  // diverges is a report with a divergence.
  std::expected<ReplayReport, std::string> Replay(
      const std::shared_ptr<const dsl::DefinitionCatalog>& catalog,
      const std::string& workflow_id = "replay") const;

  std::int64_t events() const;

 private:
  struct History;
  explicit HistoryReplayer(std::unique_ptr<History> history);
  std::unique_ptr<History> history_;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_HISTORY_REPLAYER_H_
