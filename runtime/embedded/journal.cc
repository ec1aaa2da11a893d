#include "runtime/embedded/journal.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <system_error>
#include <thread>
#include <utility>

#include "dsl/json_text.h"
#include "runtime/embedded/journal_statement.h"
#include "runtime/embedded/journal_write_group.h"

namespace weft::embedded {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<RunStatus, std::string_view>, 8> kStatusNames{{
    {RunStatus::kPending, "pending"},
    {RunStatus::kRunning, "running"},
    {RunStatus::kCompleted, "completed"},
    {RunStatus::kFailed, "failed"},
    {RunStatus::kCancelled, "cancelled"},
    {RunStatus::kTerminated, "terminated"},
    {RunStatus::kContinuedAsNew, "continued_as_new"},
    {RunStatus::kTimedOut, "timed_out"},
}};

// The schema; `user_version` says which. Bumped with a migration when it changes.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs(
  run_id TEXT PRIMARY KEY,
  workflow_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  pin TEXT NOT NULL,
  input TEXT NOT NULL,
  resume TEXT NOT NULL,
  result TEXT NOT NULL,
  failure TEXT NOT NULL,
  parent_run_id TEXT NOT NULL,
  parent_seq INTEGER NOT NULL,
  parent_close_policy TEXT NOT NULL,
  continued_from TEXT NOT NULL,
  continued_to TEXT NOT NULL,
  search_attributes TEXT NOT NULL,
  memo TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  closed_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs(status);
CREATE INDEX IF NOT EXISTS runs_by_workflow ON runs(workflow_id, created_ms);
CREATE INDEX IF NOT EXISTS runs_by_created ON runs(created_ms);
CREATE TABLE IF NOT EXISTS activations(
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  now_ms INTEGER NOT NULL,
  suggest_continue INTEGER NOT NULL,
  jobs TEXT NOT NULL,
  commands TEXT NOT NULL,
  PRIMARY KEY(run_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS operations(
  run_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  seq INTEGER NOT NULL,
  due_ms INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY(run_id, kind, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS replies(
  inbox_id INTEGER PRIMARY KEY,
  ok INTEGER NOT NULL,
  value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schedules(
  key TEXT PRIMARY KEY,
  last_nominal_ms INTEGER NOT NULL,
  last_run_id TEXT NOT NULL,
  buffered INTEGER NOT NULL,
  paused TEXT NOT NULL,
  fingerprint TEXT NOT NULL) WITHOUT ROWID;
PRAGMA user_version = 2;
)sql";
// 2 added `schedules`; every statement above is IF NOT EXISTS, so the schema is its own
// migration from 1.
constexpr std::int64_t kSchemaVersion = 2;

}  // namespace

std::string_view RunStatusName(RunStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "pending";
}

std::optional<RunStatus> RunStatusFromName(std::string_view text) {
  for (const auto& [value, name] : kStatusNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

namespace {

constexpr const char* kRunColumns =
    "run_id, workflow_id, name, status, pin, input, resume, result, failure, parent_run_id, "
    "parent_seq, parent_close_policy, continued_from, continued_to, search_attributes, memo, "
    "created_ms, closed_ms";

// kRunColumns with the pin's identity in its place, taken out by SQLite: the definition, most
// of the row, is then neither copied out nor built into a json here. A pin that is not JSON
// reads as '', which ReadRuns reports as damaged, as it does the whole pin.
std::string RunColumns(PinRead pin) {
  std::string columns = kRunColumns;
  if (pin == PinRead::kIdentity) {
    columns.replace(
        columns.find("pin"), 3,
        "CASE WHEN json_valid(pin) THEN json_object('name', json_extract(pin, '$.name'), "
        "'version', json_extract(pin, '$.version'), 'sha256', "
        "json_extract(pin, '$.sha256')) ELSE '' END");
  }
  return columns;
}

}  // namespace

std::filesystem::path BesideJournal(const std::filesystem::path& journal, std::string_view suffix) {
  std::error_code failed;
  std::filesystem::path real = std::filesystem::weakly_canonical(journal, failed);
  if (failed) real = std::filesystem::absolute(journal, failed);
  return real.string() + std::string(suffix);
}

Journal::Journal(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

Journal::~Journal() {
  statements_.clear();
  sqlite3_close_v2(db_);
}

std::expected<std::unique_ptr<Journal>, std::string> Journal::Open(
    const std::filesystem::path& path, JournalOptions options) {
  // SQLite keeps memory statistics, which weft never reads, under one process-wide mutex taken
  // at every allocation: a process whose hundred threads each read on their own connection
  // (`weft mcp`, clients in a pool) waited on it. Set before SQLite initialises, at the first
  // open; refused harmlessly if something initialised it first.
  [[maybe_unused]] static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  std::error_code failed;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), failed);
  if (failed) {
    return std::unexpected("cannot create " + path.parent_path().string() + ": " +
                           failed.message());
  }
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (code != SQLITE_OK) {
    std::string error = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close_v2(db);
    return std::unexpected("cannot open journal " + path.string() + ": " + error);
  }
  std::unique_ptr<Journal> journal(new Journal(db, path));
  journal->write_group_ = JournalWriteGroup::Of(path);
  journal->busy_timeout_ = std::chrono::milliseconds(options.busy_timeout_ms);
  sqlite3_busy_handler(db, &Journal::WaitForLock, journal.get());
  if (auto done = journal->Initialize(options); !done) {
    return std::unexpected("journal " + path.string() + ": " + done.error());
  }
  return journal;
}

// SQLite's own timeout (sqlite3_busy_timeout) sleeps 1, 2, 5, 10, ... up to 100 ms between
// tries: with many clients writing runs while the engine commits, a writer slept through many
// free moments and lost to the others until its 10 s ran out ("database is locked"). A
// transaction here lasts well under a millisecond, so tries are tens of microseconds apart,
// growing to 1 ms.
int Journal::WaitForLock(void* opaque, int attempts) {
  auto* journal = static_cast<Journal*>(opaque);
  const auto now = std::chrono::steady_clock::now();
  if (attempts == 0) journal->busy_since_ = now;
  if (now - journal->busy_since_ >= journal->busy_timeout_) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(20 << std::min(attempts, 6)));
  return 1;
}

// Hundreds of processes may open one journal at once (`weft run --detach` in a loop), the
// first of them on a file that does not exist yet. Only the first open writes anything: the
// switch to WAL and the schema are done once, in an immediate transaction, so that the others
// find them and only read; and the switch to WAL, which needs the file to itself and is the
// one step SQLite's busy handler does not wait for, is tried again until the busy timeout.
std::expected<void, std::string> Journal::Initialize(const JournalOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max(options.busy_timeout_ms, 1));
  while (true) {
    auto mode = Exec("PRAGMA journal_mode=WAL");
    if (mode) break;
    const int code = sqlite3_errcode(db_) & 0xFF;
    if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) ||
        std::chrono::steady_clock::now() >= deadline) {
      return std::unexpected(mode.error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::string pragmas = std::string("PRAGMA synchronous=") +
                              (options.synchronous_full ? "FULL" : "NORMAL") +
                              "; PRAGMA foreign_keys=OFF;";
  if (auto done = Exec(pragmas.c_str()); !done) return done;
  auto version = Prepare("PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  auto row = (*version)->Step();
  const std::int64_t user_version = row && *row ? (*version)->Int(0) : 0;
  (*version)->Reset();
  if (!row) return std::unexpected(row.error());
  if (user_version > kSchemaVersion) {
    // A newer weft wrote it: this one would misread what it does not know, and its schema
    // statements must not touch the newer one's tables.
    return std::unexpected("its format is version " + std::to_string(user_version) +
                           ", newer than this weft reads (" + std::to_string(kSchemaVersion) +
                           "); use the weft that wrote it, or a newer one");
  }
  if (user_version == kSchemaVersion) return {};
  if (auto began = Exec("BEGIN IMMEDIATE"); !began) return began;
  if (auto created = Exec(kSchema); !created) {
    (void)Exec("ROLLBACK");
    return created;
  }
  return Exec("COMMIT");
}

std::string Journal::Error(std::string_view what) const {
  return std::string(what) + ": " + sqlite3_errmsg(db_);
}

std::expected<void, std::string> Journal::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string error = message != nullptr ? message : "unknown SQLite error";
    sqlite3_free(message);
    return std::unexpected(error);
  }
  return {};
}

std::expected<Journal::Statement*, std::string> Journal::Prepare(const char* sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return found->second.get();
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
      SQLITE_OK) {
    return std::unexpected(Error(std::string("cannot prepare `") + sql + "`"));
  }
  auto owned = std::make_unique<Statement>(db_, statement);
  Statement* raw = owned.get();
  statements_.emplace(sql, std::move(owned));
  return raw;
}

std::expected<std::vector<RunRecord>, std::string> Journal::QueryRuns(
    const char* sql, std::string_view text_argument, std::int64_t int_argument) {
  auto statement = Prepare(sql);
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  if (!text_argument.empty()) s.Bind(1, text_argument);
  if (int_argument != 0) s.Bind(1, int_argument);
  return ReadRuns(s);
}

std::expected<std::vector<RunRecord>, std::string> Journal::ReadRuns(Statement& s) {
  std::vector<RunRecord> runs;
  const bool read = s.ForEachRow([&] {
    RunRecord run;
    run.run_id = s.Text(0);
    run.workflow_id = s.Text(1);
    run.name = s.Text(2);
    run.status = RunStatusFromName(s.Text(3)).value_or(RunStatus::kFailed);
    // A column that does not parse (a damaged file) is named in the log and read as an empty
    // value of its kind, so that one damaged run does not take every listing with it; the
    // engine then refuses that run for its unreadable pin rather than guess.
    auto column = [&](int index, const char* name, bool object) {
      nlohmann::json value = s.Json(index);
      const bool readable = !value.is_discarded() && (!object || value.is_object());
      if (readable) return value;
      spdlog::warn(
          "journal {}: run {}: the column `{}` does not parse, or nests deeper than {} levels; "
          "the file is damaged",
          path_.string(), run.run_id, name, dsl::kMaxJsonDepth);
      return object ? nlohmann::json::object() : nlohmann::json();
    };
    run.pin = column(4, "pin", true);
    run.input = column(5, "input", false);
    run.resume = column(6, "resume", false);
    run.result = column(7, "result", false);
    run.failure = column(8, "failure", false);
    run.parent_run_id = s.Text(9);
    run.parent_seq = s.Int(10);
    run.parent_close_policy = s.Text(11);
    run.continued_from = s.Text(12);
    run.continued_to = s.Text(13);
    run.search_attributes = column(14, "search_attributes", true);
    run.memo = column(15, "memo", true);
    run.created_ms = s.Int(16);
    run.closed_ms = s.Int(17);
    runs.push_back(std::move(run));
  });
  if (!read) return std::unexpected(Error("reading runs"));
  return runs;
}

std::expected<std::optional<RunRecord>, std::string> Journal::FindRun(std::string_view run_id,
                                                                      PinRead pin) {
  static const std::string sql[] = {
      "SELECT " + RunColumns(PinRead::kWhole) + " FROM runs WHERE run_id = ?1",
      "SELECT " + RunColumns(PinRead::kIdentity) + " FROM runs WHERE run_id = ?1"};
  auto runs = QueryRuns(sql[static_cast<int>(pin)].c_str(), run_id, 0);
  if (!runs) return std::unexpected(runs.error());
  if (runs->empty()) return std::nullopt;
  return std::move(runs->front());
}

std::expected<std::optional<RunRecord>, std::string> Journal::ResolveRun(std::string_view id,
                                                                         PinRead pin) {
  // One statement, so one read transaction: a client's look-up costs as much as FindRun.
  const auto sql = [](PinRead read) {
    const std::string columns = RunColumns(read);
    return "SELECT * FROM (SELECT " + columns + ", 0 AS choice FROM runs WHERE run_id = ?1 " +
           "UNION ALL SELECT * FROM (SELECT " + columns +
           ", 1 FROM runs WHERE workflow_id = ?1 ORDER BY created_ms DESC, rowid DESC LIMIT 1)) " +
           "ORDER BY choice LIMIT 1";
  };
  static const std::string statements[] = {sql(PinRead::kWhole), sql(PinRead::kIdentity)};
  auto runs = QueryRuns(statements[static_cast<int>(pin)].c_str(), id, 0);
  if (!runs) return std::unexpected(runs.error());
  if (runs->empty()) return std::nullopt;
  return std::move(runs->front());
}

std::expected<std::vector<RunRecord>, std::string> Journal::UnfinishedRuns() {
  static const std::string sql = std::string("SELECT ") + kRunColumns +
                                 " FROM runs WHERE status IN ('pending', 'running') ORDER BY "
                                 "created_ms, rowid";
  return QueryRuns(sql.c_str(), {}, 0);
}

std::expected<std::vector<RunRecord>, std::string> Journal::PendingRuns() {
  static const std::string sql = std::string("SELECT ") + kRunColumns +
                                 " FROM runs WHERE status = 'pending' ORDER BY created_ms, rowid";
  return QueryRuns(sql.c_str(), {}, 0);
}

std::expected<void, std::string> Journal::ForEachUnfinishedRun(
    const std::function<void(const UnfinishedRun&)>& visit) {
  auto statement = Prepare(
      "SELECT run_id, workflow_id, status, pin FROM runs WHERE status IN ('pending', 'running')");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  const bool read = s.ForEachRow([&] {
    visit({.run_id = s.TextView(0),
           .workflow_id = s.TextView(1),
           .status = RunStatusFromName(s.TextView(2)).value_or(RunStatus::kFailed),
           .pin_text = s.TextView(3)});
  });
  if (!read) return std::unexpected(Error("reading runs"));
  return {};
}

std::expected<std::vector<std::string>, std::string> Journal::PendingRunIds() {
  auto statement = Prepare("SELECT run_id FROM runs WHERE status = 'pending' ORDER BY created_ms");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  std::vector<std::string> ids;
  const bool read = s.ForEachRow([&] { ids.push_back(s.Text(0)); });
  if (!read) return std::unexpected(Error("reading runs"));
  return ids;
}

std::expected<std::vector<RunRecord>, std::string> Journal::ListRuns(
    std::int64_t limit, std::string_view name, std::optional<RunStatus> status) {
  // An empty parameter (bound as '' or, from an empty view, as NULL) matches every run: one
  // statement, prepared once, for every filter.
  static const std::string sql = "SELECT " + RunColumns(PinRead::kIdentity) +
                                 " FROM runs WHERE (coalesce(?2, '') = '' OR name = ?2) AND "
                                 "(coalesce(?3, '') = '' OR status = ?3) ORDER BY created_ms DESC, "
                                 "rowid DESC LIMIT ?1";
  auto statement = Prepare(sql.c_str());
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  s.Bind(1, limit);
  s.Bind(2, name);
  s.Bind(3, status ? RunStatusName(*status) : std::string_view());
  return ReadRuns(s);
}

std::expected<std::vector<ActivationRecord>, std::string> Journal::Activations(
    std::string_view run_id) {
  auto statement = Prepare(
      "SELECT seq, now_ms, suggest_continue, jobs, commands FROM activations WHERE run_id = ?1 "
      "ORDER BY seq");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  s.Bind(1, run_id);
  std::vector<ActivationRecord> activations;
  std::string damaged;
  const bool read = s.ForEachRow([&] {
    ActivationRecord activation{.run_id = std::string(run_id),
                                .seq = s.Int(0),
                                .now_ms = s.Int(1),
                                .continue_as_new_suggested = s.Int(2) != 0,
                                .jobs = s.Json(3),
                                .commands = s.Json(4)};
    // A history with a hole cannot be replayed or shown truthfully: the first unreadable step
    // is the answer.
    if (damaged.empty() && (!activation.jobs.is_array() || !activation.commands.is_array())) {
      damaged = "journal " + path_.string() + ": step " + std::to_string(activation.seq) +
                " of run " + std::string(run_id) + " does not parse, or nests deeper than " +
                std::to_string(dsl::kMaxJsonDepth) + " levels; the file is damaged";
    }
    activations.push_back(std::move(activation));
  });
  if (!read) return std::unexpected(Error("reading activations"));
  if (!damaged.empty()) return std::unexpected(damaged);
  return activations;
}

std::expected<std::vector<OperationRecord>, std::string> Journal::Operations(
    std::string_view run_id) {
  auto statement = Prepare(
      "SELECT kind, seq, due_ms, attempt, data FROM operations WHERE run_id = ?1 ORDER BY kind, "
      "seq");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  s.Bind(1, run_id);
  std::vector<OperationRecord> operations;
  const bool read = s.ForEachRow([&] {
    operations.push_back({.run_id = std::string(run_id),
                          .kind = s.Text(0),
                          .seq = s.Int(1),
                          .due_ms = s.Int(2),
                          .attempt = s.Int(3),
                          .data = s.Json(4)});
  });
  if (!read) return std::unexpected(Error("reading operations"));
  return operations;
}

std::expected<std::vector<OperationRecord>, std::string> Journal::OperationsOfAllRuns() {
  auto statement = Prepare(
      "SELECT run_id, kind, seq, due_ms, attempt FROM operations ORDER BY run_id, kind, seq");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  std::vector<OperationRecord> operations;
  const bool read = s.ForEachRow([&] {
    operations.push_back({.run_id = s.Text(0),
                          .kind = s.Text(1),
                          .seq = s.Int(2),
                          .due_ms = s.Int(3),
                          .attempt = s.Int(4)});
  });
  if (!read) return std::unexpected(Error("reading operations"));
  return operations;
}

std::expected<std::optional<std::int64_t>, std::string> Journal::StartedMs(
    std::string_view run_id) {
  auto statement = Prepare("SELECT now_ms FROM activations WHERE run_id = ?1 ORDER BY seq LIMIT 1");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  s.Bind(1, run_id);
  auto row = s.Step();
  std::optional<std::int64_t> started;
  if (row && *row) started = s.Int(0);
  s.Reset();
  if (!row) return std::unexpected(Error("reading activations"));
  return started;
}

std::expected<std::vector<InboxItem>, std::string> Journal::InboxAfter(std::int64_t id) {
  auto statement = Prepare(
      "SELECT id, run_id, kind, name, payload, created_ms FROM inbox WHERE id > ?1 ORDER BY id");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  s.Bind(1, id);
  std::vector<InboxItem> items;
  const bool read = s.ForEachRow([&] {
    items.push_back({.id = s.Int(0),
                     .run_id = s.Text(1),
                     .kind = s.Text(2),
                     .name = s.Text(3),
                     .payload = s.Json(4),
                     .created_ms = s.Int(5)});
  });
  if (!read) return std::unexpected(Error("reading the inbox"));
  return items;
}

std::expected<std::int64_t, std::string> Journal::Enqueue(const InboxItem& item) {
  if (auto done = Apply(JournalBatch{write::InsertInbox{item}}); !done) {
    return std::unexpected(done.error());
  }
  return sqlite3_last_insert_rowid(db_);
}

std::expected<std::optional<Reply>, std::string> Journal::FindReply(std::int64_t inbox_id) {
  auto statement = Prepare("SELECT ok, value FROM replies WHERE inbox_id = ?1");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  s.Bind(1, inbox_id);
  auto row = s.Step();
  if (!row) {
    s.Reset();
    return std::unexpected(Error("reading replies"));
  }
  std::optional<Reply> reply;
  if (*row) reply = Reply{.ok = s.Int(0) != 0, .value = s.Json(1)};
  s.Reset();
  return reply;
}

std::expected<std::vector<ScheduleRecord>, std::string> Journal::Schedules() {
  auto statement = Prepare(
      "SELECT key, last_nominal_ms, last_run_id, buffered, paused, fingerprint FROM schedules "
      "ORDER BY key");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  std::vector<ScheduleRecord> schedules;
  const bool read = s.ForEachRow([&] {
    schedules.push_back({.key = s.Text(0),
                         .last_nominal_ms = s.Int(1),
                         .last_run_id = s.Text(2),
                         .buffered = s.Int(3),
                         .paused = s.Text(4),
                         .fingerprint = s.Text(5)});
  });
  if (!read) return std::unexpected(Error("reading schedules"));
  return schedules;
}

std::expected<std::int64_t, std::string> Journal::DataVersion() {
  auto statement = Prepare("PRAGMA data_version");
  if (!statement) return std::unexpected(statement.error());
  Statement& s = **statement;
  auto row = s.Step();
  std::int64_t version = row && *row ? s.Int(0) : -1;
  s.Reset();
  if (!row) return std::unexpected(row.error());
  return version;
}

}  // namespace weft::embedded
