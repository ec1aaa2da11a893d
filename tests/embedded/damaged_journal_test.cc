// A damaged journal tells the truth (issue 18, D3 and D4): a run whose columns do not parse, or
// whose history has an unreadable step, is named with the column or step in a warning or an
// error; `weft list` and `weft show` of the other runs go on, and nothing aborts; an engine
// whose write fails stops, says why and exits, letting the lease go. The damage is made with
// SQLite itself on a journal that real runs of the real binary wrote.
#include <sqlite3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/subprocess.h"

namespace weft::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void Execute(const fs::path& journal, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(journal.c_str(), &db) == SQLITE_OK);
  // An engine may be writing at this moment (it commits its runs' steps): wait for its turn.
  sqlite3_busy_timeout(db, 10'000);
  char* error = nullptr;
  const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error != nullptr ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(code == SQLITE_OK);
}

// A new folder with one workflow, `name`, defined by `steps`; its journal is journal.db.
struct Project {
  Project(const std::string& label, const std::string& name, const std::string& steps)
      : dir(fs::temp_directory_path() / ("weft-" + label + "-" + std::to_string(::getpid()))),
        journal((dir / "journal.db").string()),
        workflows((dir / "workflows").string()) {
    fs::remove_all(dir);
    fs::create_directories(workflows);
    std::ofstream(dir / "workflows" / (name + ".yaml")) << "dsl: 1\nname: " << name << "\nsteps:\n"
                                                        << steps;
  }
  ~Project() { fs::remove_all(dir); }

  const fs::path dir;
  const std::string journal;
  const std::string workflows;
};

constexpr char kReturnInput[] = "  - {id: done, return: '${ input }'}\n";

// Runs the project's workflow `hi` once per workflow id, each to completion, with the real binary.
void RunHi(const Project& project, const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    auto ran = RunProcess({WeftBinary(), "run", "hi", "--id", id, "--input", R"({"n": 1})",
                           "--journal", project.journal, "--workflows", project.workflows});
    INFO(ran.err);
    REQUIRE(ran.exit_code == 0);
  }
}

TEST_CASE("a journal with damaged rows is listed and shown without aborting, naming the damage") {
  const Project project("damaged-journal", "hi", kReturnInput);
  const std::string& journal = project.journal;
  RunHi(project, {"good", "bad"});
  Execute(journal,
          "UPDATE runs SET pin = '{\"name\":3', input = '{bad', memo = '7' "
          "WHERE workflow_id = 'bad'; "
          "UPDATE activations SET commands = '[{' WHERE run_id IN "
          "(SELECT run_id FROM runs WHERE workflow_id = 'bad')");

  auto listed = RunProcess({WeftBinary(), "list", "--json", "--journal", journal});
  INFO(listed.err);
  REQUIRE(listed.exit_code == 0);
  const json runs = json::parse(listed.out);  // valid JSON, every run in it
  CHECK(runs.size() == 2);
  CHECK_THAT(listed.err, Catch::Contains("the column `pin` does not parse") &&
                             Catch::Contains("the column `input` does not parse") &&
                             Catch::Contains("the column `memo` does not parse"));
  CHECK(RunProcess({WeftBinary(), "list", "--journal", journal}).exit_code == 0);

  auto good = RunProcess({WeftBinary(), "show", "good", "--json", "--journal", journal});
  CHECK(good.exit_code == 0);
  CHECK_NOTHROW(json::parse(good.out));
  for (const bool as_json : {false, true}) {
    std::vector<std::string> argv{WeftBinary(), "show", "bad", "--journal", journal};
    if (as_json) argv.push_back("--json");
    auto bad = RunProcess(argv);
    CHECK(bad.exit_code == 1);
    CHECK_THAT(bad.err, Catch::Contains("step 1 of run") && Catch::Contains("the file is damaged"));
  }
}

TEST_CASE("values nested deeper than weft writes are read from a journal as damage, not walked") {
  // weft bounds every value where it enters a run (256 levels), so only a hand-made or damaged
  // journal holds deeper ones; 100,000 levels would overflow the stack of any recursive walk.
  const Project project("deep-journal", "hi", kReturnInput);
  const std::string& journal = project.journal;
  RunHi(project, {"good", "deep"});
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  Execute(journal, "UPDATE runs SET input = '" + deep + "', result = '" + deep +
                       "' WHERE workflow_id = 'deep'; "
                       "UPDATE activations SET jobs = '" +
                       deep +
                       "' WHERE run_id IN (SELECT run_id FROM runs WHERE workflow_id = 'deep')");

  auto listed = RunProcess({WeftBinary(), "list", "--json", "--journal", journal});
  INFO(listed.err);
  REQUIRE(listed.exit_code == 0);
  CHECK(json::parse(listed.out).size() == 2);
  CHECK_THAT(listed.err, Catch::Contains("the column `input` does not parse, or nests deeper "
                                         "than 256 levels"));
  auto shown = RunProcess({WeftBinary(), "show", "deep", "--json", "--journal", journal});
  CHECK(shown.exit_code == 1);
  CHECK_THAT(shown.err, Catch::Contains("step 1 of run") &&
                            Catch::Contains("nests deeper than 256 levels; the file is damaged"));
  CHECK(RunProcess({WeftBinary(), "show", "good", "--json", "--journal", journal}).exit_code == 0);
}

TEST_CASE("a journal a newer weft wrote, or a truncated one, is refused with why; no write") {
  const Project project("foreign-journal", "hi", kReturnInput);
  const std::string& journal = project.journal;
  auto ran = RunProcess({WeftBinary(), "run", "hi", "--id", "kept", "--input", "1", "--journal",
                         journal, "--workflows", project.workflows});
  REQUIRE(ran.exit_code == 0);

  Execute(journal, "PRAGMA user_version = 99");
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"list"}, {"show", "kept"}, {"run", "hi", "--input", "2"}}) {
    std::vector<std::string> argv{WeftBinary()};
    argv.insert(argv.end(), command.begin(), command.end());
    argv.insert(argv.end(), {"--journal", journal});
    if (command[0] == "run") argv.insert(argv.end(), {"--workflows", project.workflows});
    auto refused = RunProcess(argv);
    INFO(command[0] << ": " << refused.err);
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Catch::Contains("format is version 99, newer than this weft reads"));
  }
  // What the newer weft committed is all there once it is back.
  Execute(journal, "PRAGMA user_version = 2");
  auto kept = RunProcess({WeftBinary(), "show", "kept", "--json", "--journal", journal});
  REQUIRE(kept.exit_code == 0);
  CHECK(json::parse(kept.out).dump().find("completed") != std::string::npos);

  // A file cut in the middle (the WAL checkpointed into it first).
  Execute(journal, "PRAGMA wal_checkpoint(TRUNCATE)");
  fs::resize_file(journal, fs::file_size(journal) / 2);
  auto cut = RunProcess({WeftBinary(), "list", "--journal", journal});
  INFO(cut.err);
  CHECK(cut.exit_code != 0);
  CHECK_THAT(cut.err, Catch::Contains(journal) && Catch::Contains("malformed"));
}

TEST_CASE("an engine whose journal write fails stops, says why, and exits (D4)") {
  const Project project("failed-write", "pause",
                        "  - {id: nap, wait: 1s}\n  - {id: done, return: 1}\n");
  const std::string& journal = project.journal;
  auto run = ChildProcess::Start(
      {WeftBinary(), "run", "pause", "--journal", journal, "--workflows", project.workflows}, {});
  run->WaitForOutput("started", std::chrono::seconds(30));
  // The timer's firing is the next write; the table it goes to is gone.
  Execute(journal, "DROP TABLE activations");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (run->Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  INFO(run->LogTail());
  CHECK_FALSE(run->Running());
  CHECK_THAT(run->LogTail(), Catch::Contains("the journal could not be written") &&
                                 Catch::Contains("no such table"));
}

}  // namespace
}  // namespace weft::testing
