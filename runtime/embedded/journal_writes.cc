// How a JournalBatch becomes SQL: each write's statement, and the transaction around a group
// of batches (group commit).
#include <sqlite3.h>

#include <string>
#include <utility>
#include <variant>

#include "runtime/embedded/journal.h"
#include "runtime/embedded/journal_statement.h"
#include "runtime/embedded/journal_write_group.h"

namespace weft::embedded {

using nlohmann::json;

std::expected<void, std::string> Journal::ApplyWrite(const JournalWrite& write) {
  struct Visitor {
    Journal& journal;
    std::expected<void, std::string> operator()(const write::InsertRun& w) {
      if (w.unless_workflow_open) {
        auto open = journal.Prepare(
            "SELECT run_id FROM runs WHERE workflow_id = ?1 AND status IN ('pending', "
            "'running') LIMIT 1");
        if (!open) return std::unexpected(open.error());
        Statement& q = (*open)->Bind(1, w.run.workflow_id);
        auto row = q.Step();
        const std::string running = row && *row ? q.Text(0) : "";
        q.Reset();
        if (!row) return std::unexpected(row.error());
        if (!running.empty()) {
          return std::unexpected("workflow id " + w.run.workflow_id + " is already running (run " +
                                 running + ")");
        }
      }
      auto statement = journal.Prepare(
          "INSERT INTO runs(run_id, workflow_id, name, status, pin, input, resume, result, "
          "failure, parent_run_id, parent_seq, parent_close_policy, continued_from, "
          "continued_to, search_attributes, memo, created_ms, closed_ms) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
          "?18)");
      if (!statement) return std::unexpected(statement.error());
      const RunRecord& run = w.run;
      Statement& s = **statement;
      if (w.pin_text) {
        s.Bind(5, std::string_view(*w.pin_text));
      } else {
        s.BindJson(5, run.pin);
      }
      auto inserted = s.Bind(1, run.run_id)
                          .Bind(2, run.workflow_id)
                          .Bind(3, run.name)
                          .Bind(4, RunStatusName(run.status))
                          .BindJson(6, run.input)
                          .BindJson(7, run.resume)
                          .BindJson(8, run.result)
                          .BindJson(9, run.failure)
                          .Bind(10, run.parent_run_id)
                          .Bind(11, run.parent_seq)
                          .Bind(12, run.parent_close_policy)
                          .Bind(13, run.continued_from)
                          .Bind(14, run.continued_to)
                          .BindJson(15, run.search_attributes)
                          .BindJson(16, run.memo)
                          .Bind(17, run.created_ms)
                          .Bind(18, run.closed_ms)
                          .Run();
      if (!inserted && sqlite3_extended_errcode(journal.db_) == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return std::unexpected("run id " + run.run_id +
                               " is already in the journal: a second run is never merged into it");
      }
      return inserted;
    }
    std::expected<void, std::string> operator()(const write::SetRunStatus& w) {
      auto statement = journal.Prepare(
          "UPDATE runs SET status = ?2, result = ?3, failure = ?4, closed_ms = ?5, "
          "continued_to = ?6 WHERE run_id = ?1");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)
          ->Bind(1, w.run_id)
          .Bind(2, RunStatusName(w.status))
          .Bind(3, w.result)
          .Bind(4, w.failure)
          .Bind(5, w.closed_ms)
          .Bind(6, w.continued_to)
          .Run();
    }
    std::expected<void, std::string> operator()(const write::SetRunAttributes& w) {
      auto statement =
          journal.Prepare("UPDATE runs SET search_attributes = ?2, memo = ?3 WHERE run_id = ?1");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)
          ->Bind(1, w.run_id)
          .BindJson(2, w.search_attributes)
          .BindJson(3, w.memo)
          .Run();
    }
    std::expected<void, std::string> operator()(const write::AppendActivation& w) {
      auto statement = journal.Prepare(
          "INSERT INTO activations(run_id, seq, now_ms, suggest_continue, jobs, commands) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)
          ->Bind(1, w.run_id)
          .Bind(2, w.seq)
          .Bind(3, w.now_ms)
          .Bind(4, std::int64_t{w.continue_as_new_suggested ? 1 : 0})
          .Bind(5, w.jobs)
          .Bind(6, w.commands)
          .Run();
    }
    std::expected<void, std::string> operator()(const write::PutOperation& w) {
      auto statement = journal.Prepare(
          "INSERT OR REPLACE INTO operations(run_id, kind, seq, due_ms, attempt, data) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)
          ->Bind(1, w.run_id)
          .Bind(2, w.kind)
          .Bind(3, w.seq)
          .Bind(4, w.due_ms)
          .Bind(5, w.attempt)
          .Bind(6, w.data)
          .Run();
    }
    std::expected<void, std::string> operator()(const write::RescheduleOperation& w) {
      auto statement = journal.Prepare(
          "UPDATE operations SET due_ms = ?4, attempt = ?5, data = ?6 "
          "WHERE run_id = ?1 AND kind = ?2 AND seq = ?3");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)
          ->Bind(1, w.run_id)
          .Bind(2, w.kind)
          .Bind(3, w.seq)
          .Bind(4, w.due_ms)
          .Bind(5, w.attempt)
          .Bind(6, w.data)
          .Run();
    }
    std::expected<void, std::string> operator()(const write::DeleteOperation& w) {
      auto statement =
          journal.Prepare("DELETE FROM operations WHERE run_id = ?1 AND kind = ?2 AND seq = ?3");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)->Bind(1, w.run_id).Bind(2, w.kind).Bind(3, w.seq).Run();
    }
    std::expected<void, std::string> operator()(const write::DeleteRunOperations& w) {
      auto statement = journal.Prepare("DELETE FROM operations WHERE run_id = ?1");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)->Bind(1, w.run_id).Run();
    }
    std::expected<void, std::string> operator()(const write::InsertInbox& w) {
      auto statement = journal.Prepare(
          "INSERT INTO inbox(run_id, kind, name, payload, created_ms) VALUES(?1, ?2, ?3, ?4, "
          "?5)");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)
          ->Bind(1, w.item.run_id)
          .Bind(2, w.item.kind)
          .Bind(3, w.item.name)
          .BindJson(4, w.item.payload)
          .Bind(5, w.item.created_ms)
          .Run();
    }
    std::expected<void, std::string> operator()(const write::DeleteInbox& w) {
      auto statement = journal.Prepare("DELETE FROM inbox WHERE id = ?1");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)->Bind(1, w.id).Run();
    }
    std::expected<void, std::string> operator()(const write::PutReply& w) {
      auto statement =
          journal.Prepare("INSERT OR REPLACE INTO replies(inbox_id, ok, value) VALUES(?1, ?2, ?3)");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)
          ->Bind(1, w.inbox_id)
          .Bind(2, std::int64_t{w.reply.ok ? 1 : 0})
          .BindJson(3, w.reply.value)
          .Run();
    }
    std::expected<void, std::string> operator()(const write::PutSchedule& w) {
      auto statement = journal.Prepare(
          "INSERT OR REPLACE INTO schedules(key, last_nominal_ms, last_run_id, buffered, paused, "
          "fingerprint) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
      if (!statement) return std::unexpected(statement.error());
      return (*statement)
          ->Bind(1, w.schedule.key)
          .Bind(2, w.schedule.last_nominal_ms)
          .Bind(3, w.schedule.last_run_id)
          .Bind(4, w.schedule.buffered)
          .Bind(5, w.schedule.paused)
          .Bind(6, w.schedule.fingerprint)
          .Run();
    }
  };
  return std::visit(Visitor{*this}, write);
}

std::expected<void, std::string> Journal::Apply(const std::vector<const JournalBatch*>& batches) {
  return write_group_->Write(batches,
                             [this](std::span<const JournalWriteGroup::Batches* const> writers) {
                               return Commit(writers);
                             });
}

std::vector<std::expected<void, std::string>> Journal::Commit(
    std::span<const std::vector<const JournalBatch*>* const> writers) {
  using Result = std::expected<void, std::string>;
  std::vector<Result> results(writers.size());
  const auto fail_all = [&results](const std::string& error) {
    for (Result& result : results) {
      if (result) result = std::unexpected(error);
    }
  };
  if (auto began = Exec("BEGIN IMMEDIATE"); !began) {
    fail_all("cannot begin a journal transaction: " + began.error());
    return results;
  }
  // With several writers each gets a savepoint, so that one refused write (a workflow id
  // already running) undoes only its own writer's batches; alone, the transaction is enough.
  const bool grouped = writers.size() > 1;
  for (std::size_t i = 0; i < writers.size(); ++i) {
    if (grouped) {
      if (auto saved = Exec("SAVEPOINT writer"); !saved) {
        results[i] = std::unexpected("journal write failed: " + saved.error());
        continue;
      }
    }
    for (const JournalBatch* batch : *writers[i]) {
      for (const JournalWrite& write : *batch) {
        if (auto done = ApplyWrite(write); !done) {
          results[i] = std::unexpected("journal write failed: " + done.error());
          break;
        }
      }
      if (!results[i]) break;
    }
    if (!grouped) continue;
    // A savepoint that cannot be undone or closed would commit half a writer: undo them all.
    auto closed = results[i] ? Result() : Exec("ROLLBACK TO writer");
    if (closed) closed = Exec("RELEASE writer");
    if (!closed) {
      (void)Exec("ROLLBACK");
      fail_all("journal write failed: " + closed.error());
      return results;
    }
  }
  if (!grouped && !results[0]) {
    (void)Exec("ROLLBACK");
    return results;
  }
  if (auto committed = Exec("COMMIT"); !committed) {
    (void)Exec("ROLLBACK");
    fail_all("journal commit failed: " + committed.error());
  }
  return results;
}

std::expected<void, std::string> Journal::Apply(const JournalBatch& batch) {
  return Apply(std::vector<const JournalBatch*>{&batch});
}

}  // namespace weft::embedded
