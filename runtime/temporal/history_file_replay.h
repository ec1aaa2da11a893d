// ReplayHistoryFile: `weft replay` for one exported history file, as a function: reads the file
// (`-`: the given stream, for stdin), replays it with HistoryReplayer against this build, and
// returns the report with the text and JSON the command prints. ReplayCatalog() picks the
// definitions for histories without a pin, by the command's rule. Errors are for files that
// cannot be used at all (unreadable, not a history, no definition); a history that diverges is
// a report whose report.deterministic() is false. ReplayHistoryFiles() is the command for
// several files: each in turn, until one cannot be used.
//
// Reads files only; any thread may call it (one thread per stream). Results are values.
#ifndef WEFT_RUNTIME_TEMPORAL_HISTORY_FILE_REPLAY_H_
#define WEFT_RUNTIME_TEMPORAL_HISTORY_FILE_REPLAY_H_

#include <expected>
#include <filesystem>
#include <istream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dsl/definition_catalog.h"
#include "runtime/temporal/connection_options.h"
#include "runtime/temporal/history_replayer.h"

namespace weft::temporal {

struct HistoryFileReplay {
  std::string file;
  ReplayReport report;

  // {"file", "workflow_type", "definition", "events", "workflow_tasks", "deterministic",
  //  "divergence"?: {"event_id", "message"}}
  nlohmann::json ToJson() const;
  // "<file>: deterministic: ..." or "<file>: NOT deterministic: ...\n  at event <id>: ...".
  std::string Text() const;
};

// The definitions for histories without a pin: `folder`, else ./workflows when it exists, else
// none (null), scanned once.
std::shared_ptr<const dsl::DefinitionCatalog> ReplayCatalog(const std::filesystem::path& folder);

// The error names the file: "<file>: cannot be read", "<file>: <why it is not a history>".
// With `keys`, the history's encrypted payloads are decrypted first (an export of a namespace
// whose payloads weft encrypts); keys that cannot be loaded are an error too.
std::expected<HistoryFileReplay, std::string> ReplayHistoryFile(
    const std::string& file, std::istream& standard_input,
    const std::shared_ptr<const dsl::DefinitionCatalog>& catalog,
    const std::string& workflow_id = "replay",
    const std::optional<EncryptionOptions>& keys = std::nullopt);

struct HistoryFilesReplay {
  std::vector<HistoryFileReplay> replays;  // in the order the files were given
  // The error of the first file that could not be used; the files after it were not read.
  std::optional<std::string> error;

  bool deterministic() const;  // every replay is
  // The replay's ToJson() for one file, an array of them for several.
  nlohmann::json ToJson() const;
  // The replays' Text(), one after the other.
  std::string Text() const;
};

HistoryFilesReplay ReplayHistoryFiles(const std::vector<std::string>& files,
                                      std::istream& standard_input,
                                      const std::shared_ptr<const dsl::DefinitionCatalog>& catalog,
                                      const std::string& workflow_id = "replay",
                                      const std::optional<EncryptionOptions>& keys = std::nullopt);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_HISTORY_FILE_REPLAY_H_
