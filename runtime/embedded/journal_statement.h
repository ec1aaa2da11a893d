// Journal::Statement: a prepared SQLite statement of one Journal connection, reset after each
// use, and the JSON columns it reads. Shared by the journal's reads (journal.cc) and writes
// (journal_writes.cc); included by nothing else.
//
// Owned by its Journal (one per SQL text); used only by the thread that uses that Journal.
#ifndef WEFT_RUNTIME_EMBEDDED_JOURNAL_STATEMENT_H_
#define WEFT_RUNTIME_EMBEDDED_JOURNAL_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "dsl/json_text.h"
#include "runtime/embedded/journal.h"

namespace weft::embedded {

// A JSON column; null for SQL NULL, and a discarded value (is_discarded) when it does not parse
// or is nested deeper than weft ever writes (dsl::kMaxJsonDepth: every value entering a run is
// bounded there). A hand-made or damaged journal could otherwise hand a 100,000-level value to
// code that walks it recursively (copying, dumping, the interpreter). Parsing and the depth
// check are both iterative, so any text is safe to read.
inline nlohmann::json ParseColumn(const unsigned char* text) {
  if (text == nullptr) return nullptr;
  nlohmann::json value = nlohmann::json::parse(reinterpret_cast<const char*>(text), nullptr,
                                               /*allow_exceptions=*/false);
  if (dsl::InvalidJsonAt(value)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return value;
}

// A prepared statement, reset after each use.
class Journal::Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  ~Statement() { sqlite3_finalize(statement_); }

  Statement& Bind(int index, std::string_view text) {
    sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int index, const JsonText& value) {
    return Bind(index, std::string_view(value.text()));
  }
  Statement& BindJson(int index, const nlohmann::json& value) {
    const std::string text = value.dump();
    return Bind(index, std::string_view(text));  // SQLITE_TRANSIENT: SQLite copies it
  }
  Statement& Bind(int index, std::int64_t value) {
    sqlite3_bind_int64(statement_, index, value);
    return *this;
  }
  // SQLITE_ROW: true; SQLITE_DONE: false.
  std::expected<bool, std::string> Step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    std::string error = sqlite3_errmsg(db_);
    sqlite3_reset(statement_);
    return std::unexpected(error);
  }
  // Calls `read` for each row the statement yields, then resets it. False when a step failed
  // (the statement is reset, and the connection's error says why).
  template <class Read>
  bool ForEachRow(Read read) {
    while (true) {
      auto row = Step();
      if (!row) {
        Reset();
        return false;
      }
      if (!*row) break;
      read();
    }
    Reset();
    return true;
  }
  std::expected<void, std::string> Run() {
    auto stepped = Step();
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    if (!stepped) return std::unexpected(stepped.error());
    return {};
  }
  void Reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
  }
  // The same without a copy: valid until the statement steps again or is reset.
  std::string_view TextView(int column) const {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text),
            static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
  }
  nlohmann::json Json(int column) const {
    return ParseColumn(sqlite3_column_text(statement_, column));
  }
  std::int64_t Int(int column) const { return sqlite3_column_int64(statement_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
};

}  // namespace weft::embedded

#endif  // WEFT_RUNTIME_EMBEDDED_JOURNAL_STATEMENT_H_
