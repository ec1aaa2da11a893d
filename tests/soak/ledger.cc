#include "tests/soak/ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace weft::soak {

std::string FormatLedgerLine(const LedgerLine& line) {
  std::string text = line.phase == LedgerLine::Phase::kStart ? "start " : "end ";
  text += line.token + " " + std::to_string(line.attempt) + " " + line.activity;
  if (line.phase == LedgerLine::Phase::kEnd) text += line.ok ? " ok" : " error";
  return text + "\n";
}

Ledger ParseLedger(const std::string& text) {
  Ledger ledger;
  std::istringstream in(text);
  std::string row;
  while (std::getline(in, row)) {
    std::istringstream fields(row);
    std::string phase, outcome;
    LedgerLine line;
    fields >> phase >> line.token >> line.attempt >> line.activity;
    if (phase == "end") {
      line.phase = LedgerLine::Phase::kEnd;
      fields >> outcome;
      line.ok = outcome == "ok";
    }
    if (fields.fail() || (phase != "start" && phase != "end") ||
        (phase == "end" && outcome != "ok" && outcome != "error")) {
      ++ledger.unreadable;
      continue;
    }
    ledger.lines.push_back(std::move(line));
  }
  return ledger;
}

Ledger ReadLedger(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseLedger(text.str());
}

LedgerWriter::LedgerWriter(const std::string& path)
    : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {
  if (fd_ < 0) {
    std::perror(("soak ledger " + path).c_str());
    std::abort();
  }
}

LedgerWriter::~LedgerWriter() { ::close(fd_); }

bool LedgerWriter::Append(const LedgerLine& line) {
  const std::string text = FormatLedgerLine(line);
  return ::write(fd_, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

LedgerFigures SummarizeLedger(const Ledger& ledger) {
  LedgerFigures figures{.unreadable = ledger.unreadable};
  std::unordered_map<std::string, int> starts;
  std::unordered_set<std::string> ended;
  for (const LedgerLine& line : ledger.lines) {
    if (line.phase == LedgerLine::Phase::kStart) {
      ++figures.starts;
      ++starts[line.activity];
    } else {
      ++(line.ok ? figures.ends_ok : figures.ends_error);
      ended.insert(line.token);
    }
  }
  for (const LedgerLine& line : ledger.lines) {
    if (line.phase == LedgerLine::Phase::kStart && !ended.contains(line.token)) ++figures.cut_short;
  }
  figures.activities = static_cast<std::int64_t>(starts.size());
  for (const auto& [activity, count] : starts) {
    if (count > 1) ++figures.ran_again;
  }
  return figures;
}

std::string FormatLedgerFigures(const LedgerFigures& f) {
  return "ledger: " + std::to_string(f.starts) + " executions of " + std::to_string(f.activities) +
         " activities; " + std::to_string(f.ends_ok) + " ended ok, " +
         std::to_string(f.ends_error) + " with an error, " + std::to_string(f.cut_short) +
         " cut short by a kill; " + std::to_string(f.ran_again) +
         " activities executed more than once; " + std::to_string(f.unreadable) +
         " unreadable lines";
}

std::uintmax_t LedgerSize(const std::string& path) {
  std::error_code missing;
  const std::uintmax_t size = std::filesystem::file_size(path, missing);
  return missing ? 0 : size;
}

bool WaitUntilLedgerExceeds(const std::string& path, std::uintmax_t size,
                            std::chrono::milliseconds timeout) {
  // Polling: the writers are other processes, and a few milliseconds are a fine resolution.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (LedgerSize(path) <= size) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

std::string NewExecutionToken() {
  static const std::uint64_t process_nonce = std::random_device{}() & 0xffffff;
  static std::atomic<std::uint64_t> counter{0};
  return std::to_string(::getpid()) + "." + std::to_string(process_nonce) + "." +
         std::to_string(counter.fetch_add(1));
}

}  // namespace weft::soak
