// Journal: the embedded engine's durable state, one SQLite file in WAL mode (by default
// .weft/journal.db in the project folder). A run is rebuilt after a crash from what is here:
//
//   runs         one row per run: ids, name, status, its definition pin (the canonical
//                definition it executes, never re-read from workflows/), input, resume
//                state, result or failure, parent link, search attributes and memo.
//   activations  per run, append-only: each activation's jobs (what was delivered, in order),
//                its workflow time, and the commands the run answered. Replaying the jobs
//                through a fresh WorkflowInstance must reproduce the commands.
//   operations   what a run waits on, to re-arm on restart: activities (attempt, next try),
//                timers (fire time), children, and resolutions already decided but not yet
//                delivered (kinds "deliver_*", data = the job).
//   inbox        signals, updates, queries, cancellations and start requests written by other
//                processes (`weft signal ...`); the engine consumes each row in the same
//                transaction as the activation that delivers it.
//   replies      answers to inbox rows that wait for one (queries, updates).
//
// Writes are JournalBatches applied in one transaction (several batches per transaction: group
// commit). Not thread-safe: each thread opens its own Journal (its own connection); SQLite
// arbitrates between connections and processes (busy timeout).
#ifndef WEFT_RUNTIME_EMBEDDED_JOURNAL_H_
#define WEFT_RUNTIME_EMBEDDED_JOURNAL_H_

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace weft::embedded {

enum class RunStatus {
  kPending,  // created, not yet started by an engine
  kRunning,
  kCompleted,
  kFailed,
  kCancelled,
  kTerminated,
  kContinuedAsNew,
  kTimedOut,  // the definition's `timeout` passed
};

std::string_view RunStatusName(RunStatus status);
std::optional<RunStatus> RunStatusFromName(std::string_view name);
inline bool IsClosed(RunStatus status) {
  return status != RunStatus::kPending && status != RunStatus::kRunning;
}

struct RunRecord {
  std::string run_id;
  std::string workflow_id;
  std::string name;
  RunStatus status = RunStatus::kPending;
  nlohmann::json pin;  // interpreter::DefinitionPin, or its identity (PinRead::kIdentity)
  nlohmann::json input;
  nlohmann::json resume;  // ContinueAsNew::resume of the run it continues; null otherwise
  nlohmann::json result;
  nlohmann::json failure;  // run::FailureToJson; null unless it failed, was cancelled, ...
  std::string parent_run_id;
  std::int64_t parent_seq = 0;
  std::string parent_close_policy;  // of the parent's StartChildWorkflow
  std::string continued_from;
  std::string continued_to;
  nlohmann::json search_attributes = nlohmann::json::object();
  nlohmann::json memo = nlohmann::json::object();
  std::int64_t created_ms = 0;
  std::int64_t closed_ms = 0;
};

// How much of a run's pin a read brings back. The whole pin holds the canonical definition
// (most of a row's bytes): only rebuilding a run needs it. Its identity, {name, version,
// sha256}, is all that a status, a listing or a result shows.
enum class PinRead { kWhole, kIdentity };

struct ActivationRecord {
  std::string run_id;
  std::int64_t seq = 0;  // 1, 2, ... per run
  std::int64_t now_ms = 0;
  bool continue_as_new_suggested = false;
  nlohmann::json jobs;      // JobsToJson
  nlohmann::json commands;  // JournaledCommands
};

struct OperationRecord {
  std::string run_id;
  std::string kind;  // run_state.h's operation kinds
  std::int64_t seq = 0;
  std::int64_t due_ms = 0;
  std::int64_t attempt = 0;
  nlohmann::json data;
};

// An unfinished run as a restarting engine first reads it: enough to decide whether it must
// be replayed now or can wait parked (run_parking.h), without parsing its pin.
struct UnfinishedRun {
  std::string_view run_id;
  std::string_view workflow_id;
  RunStatus status = RunStatus::kPending;
  std::string_view pin_text;  // the pin's JSON as written; runs of one definition share one text
};

struct InboxItem {
  std::int64_t id = 0;
  std::string run_id;
  std::string kind;  // "signal", "update", "query", "cancel", "terminate", "start"
  std::string name;
  nlohmann::json payload;
  std::int64_t created_ms = 0;
};

// Where a declared schedule stands (schedule_runner.h), so that a restarted service neither
// fires twice nor forgets what it owes. One row per schedule, by key "<workflow>.<id>".
struct ScheduleRecord {
  std::string key;
  std::int64_t last_nominal_ms = 0;  // the newest nominal time acted on (fired, skipped, ...)
  std::string last_run_id;           // the newest run it started, until seen closed
  std::int64_t buffered = 0;         // starts owed once that run closes (buffer_*, cancel_other)
  std::string paused;                // why the service paused it (pause_on_failure); "": not
  std::string fingerprint;           // of the declaration: a changed one clears `paused`
};

struct Reply {
  bool ok = false;
  nlohmann::json value;  // the result, or run::FailureToJson / {"message"} when !ok
};

// A JSON column of a write, as its text. A write is built on the engine thread and applied on
// the journal's one writer thread, which was the engine's limit at high throughput
// (bench/RESULTS.md, "the journal's writer"): dumping the value where the write is built
// leaves the writer only SQL to run, and no JSON tree to free. Converts implicitly from JSON
// so that a write is built as before; null is the text "null", as nlohmann::json{}.dump()
// gives.
class JsonText {
 public:
  JsonText() = default;
  JsonText(const nlohmann::json& value) : text_(value.dump()) {}  // NOLINT: implicit by design
  const std::string& text() const { return text_; }

 private:
  std::string text_ = "null";
};

// The writes one engine step makes; applied atomically with the rest of its transaction.
namespace write {
// Refused, never merged, when the run id is in the journal already. With
// `unless_workflow_open`, refused too while another run of its workflow id is open: checked in
// the same transaction, so that of two processes starting one workflow id at once one wins.
struct InsertRun {
  RunRecord run;
  bool unless_workflow_open = false;
  // The pin as JSON text, shared by every run of one definition; when null, run.pin is written.
  std::shared_ptr<const std::string> pin_text;
};
struct SetRunStatus {
  std::string run_id;
  RunStatus status;
  JsonText result;
  JsonText failure;
  std::int64_t closed_ms = 0;
  std::string continued_to;
};
struct SetRunAttributes {
  std::string run_id;
  nlohmann::json search_attributes;
  nlohmann::json memo;
};
struct AppendActivation {
  std::string run_id;
  std::int64_t seq = 0;
  std::int64_t now_ms = 0;
  bool continue_as_new_suggested = false;
  JsonText jobs;
  JsonText commands;
};
struct PutOperation {
  std::string run_id;
  std::string kind;
  std::int64_t seq = 0;
  std::int64_t due_ms = 0;
  std::int64_t attempt = 0;
  JsonText data;
};
// Changes an operation only if it still exists (a retry racing a cancellation).
struct RescheduleOperation {
  std::string run_id;
  std::string kind;
  std::int64_t seq;
  std::int64_t due_ms;
  std::int64_t attempt;
  JsonText data;
};
struct DeleteOperation {
  std::string run_id;
  std::string kind;
  std::int64_t seq;
};
struct DeleteRunOperations {
  std::string run_id;
};
struct InsertInbox {
  InboxItem item;  // id assigned by SQLite
};
struct DeleteInbox {
  std::int64_t id;
};
struct PutReply {
  std::int64_t inbox_id;
  Reply reply;
};
struct PutSchedule {
  ScheduleRecord schedule;
};
}  // namespace write

using JournalWrite =
    std::variant<write::InsertRun, write::SetRunStatus, write::SetRunAttributes,
                 write::AppendActivation, write::PutOperation, write::RescheduleOperation,
                 write::DeleteOperation, write::DeleteRunOperations, write::InsertInbox,
                 write::DeleteInbox, write::PutReply, write::PutSchedule>;
using JournalBatch = std::vector<JournalWrite>;

struct JournalOptions {
  // synchronous=FULL: a committed step survives power loss, not only a killed process
  // (docs/engines.md says why this is the default). NORMAL survives SIGKILL only.
  bool synchronous_full = true;
  int busy_timeout_ms = 10000;
};

class JournalWriteGroup;

// A file beside the journal, named after it with `suffix` (the lease's ".lock"), by the
// journal's real path: a journal reached through a symlink, or through a path spelled another
// way, has one such file, not one per spelling.
std::filesystem::path BesideJournal(const std::filesystem::path& journal, std::string_view suffix);

class Journal {
 public:
  // Creates the file (and its folder) when missing, and the schema.
  static std::expected<std::unique_ptr<Journal>, std::string> Open(
      const std::filesystem::path& path, JournalOptions options = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // All batches in one transaction (one fsync), perhaps shared with other writers of this
  // process on the same file (journal_write_group.h); returns once it is committed.
  std::expected<void, std::string> Apply(const std::vector<const JournalBatch*>& batches);
  std::expected<void, std::string> Apply(const JournalBatch& batch);

  std::expected<std::optional<RunRecord>, std::string> FindRun(std::string_view run_id,
                                                               PinRead pin = PinRead::kWhole);
  // The run of this id, or else the newest run of the workflow of this id.
  std::expected<std::optional<RunRecord>, std::string> ResolveRun(
      std::string_view run_or_workflow_id, PinRead pin = PinRead::kWhole);
  // Pending and running runs, oldest first.
  std::expected<std::vector<RunRecord>, std::string> UnfinishedRuns();
  std::expected<std::vector<RunRecord>, std::string> PendingRuns();
  // The same runs as UnfinishedRuns, one at a time, in no particular order, nothing parsed:
  // what `visit` sees is valid only during its call. Unsorted, because a sort would make
  // SQLite hold every row, pins included, at once (100,000 runs' pins are hundreds of MB).
  std::expected<void, std::string> ForEachUnfinishedRun(
      const std::function<void(const UnfinishedRun&)>& visit);
  // Just the ids: the engine's frequent check for runs other processes created.
  std::expected<std::vector<std::string>, std::string> PendingRunIds();
  // Newest first, each with its pin's identity. A `name` or a `status` keeps only the runs of
  // that definition or status.
  std::expected<std::vector<RunRecord>, std::string> ListRuns(
      std::int64_t limit, std::string_view name = {},
      std::optional<RunStatus> status = std::nullopt);
  std::expected<std::vector<ActivationRecord>, std::string> Activations(std::string_view run_id);
  std::expected<std::vector<OperationRecord>, std::string> Operations(std::string_view run_id);
  // Every run's operations, by run, without their data: what a restarting engine needs to
  // tell runs that only wait on timers from the others.
  std::expected<std::vector<OperationRecord>, std::string> OperationsOfAllRuns();
  // The workflow time of the run's first activation (when it started); nullopt before it.
  std::expected<std::optional<std::int64_t>, std::string> StartedMs(std::string_view run_id);
  std::expected<std::vector<InboxItem>, std::string> InboxAfter(std::int64_t id);
  // Inserts one inbox row by itself; returns its id.
  std::expected<std::int64_t, std::string> Enqueue(const InboxItem& item);
  std::expected<std::optional<Reply>, std::string> FindReply(std::int64_t inbox_id);
  // Every schedule's record, by key.
  std::expected<std::vector<ScheduleRecord>, std::string> Schedules();
  // Changes when another connection commits (PRAGMA data_version): a cheap change check.
  std::expected<std::int64_t, std::string> DataVersion();

 private:
  class Statement;
  Journal(sqlite3* db, std::filesystem::path path);
  // WAL and the schema, written only by the first process that opens the file.
  std::expected<void, std::string> Initialize(const JournalOptions& options);
  std::expected<Statement*, std::string> Prepare(const char* sql);
  std::expected<void, std::string> Exec(const char* sql);
  std::expected<void, std::string> ApplyWrite(const JournalWrite& write);
  // One transaction for the batches of every writer of a JournalWriteGroup; a result each.
  std::vector<std::expected<void, std::string>> Commit(
      std::span<const std::vector<const JournalBatch*>* const> writers);
  std::expected<std::vector<RunRecord>, std::string> QueryRuns(const char* sql,
                                                               std::string_view text_argument,
                                                               std::int64_t int_argument);
  // The rows of a statement that selects kRunColumns.
  std::expected<std::vector<RunRecord>, std::string> ReadRuns(Statement& statement);
  std::string Error(std::string_view what) const;
  // SQLite's busy handler: waits for a lock another connection holds.
  static int WaitForLock(void* journal, int attempts);

  sqlite3* db_;
  std::chrono::milliseconds busy_timeout_{0};
  std::chrono::steady_clock::time_point busy_since_;  // when the current wait for a lock began
  std::filesystem::path path_;
  std::map<const char*, std::unique_ptr<Statement>> statements_;
  // Apply() queues here: the writers of one process on one journal file are committed
  // together, one of them at a time at SQLite's lock, rather than all at once there, where each
  // would wait by sleeping and trying again.
  std::shared_ptr<JournalWriteGroup> write_group_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_JOURNAL_H_
