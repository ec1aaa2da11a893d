// The journal as a specification: what is written in one transaction reads back, replies
// reach other connections, and data_version tells a reader that another connection wrote.
#include "runtime/embedded/journal.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "runtime/embedded/journal_codec.h"
#include "tests/embedded/temp_journal.h"

namespace {

namespace fs = std::filesystem;
using namespace weft::embedded;
using nlohmann::json;

using weft::embedded::testing::TempJournal;

RunRecord SampleRun(const std::string& id) {
  return {.run_id = id,
          .workflow_id = "wf-" + id,
          .name = "hello",
          .pin = {{"name", "hello"}, {"version", 1}, {"sha256", "abc"}},
          .input = {{"name", "Ada"}},
          .created_ms = 1000};
}

TEST_CASE("a batch is written in one transaction and reads back") {
  auto journal = Journal::Open(TempJournal("roundtrip"));
  REQUIRE(journal);
  JournalBatch batch{
      write::InsertRun{SampleRun("r1")},
      write::AppendActivation{.run_id = "r1",
                              .seq = 1,
                              .now_ms = 5,
                              .jobs = json::array({{{"job", "fire_timer"}, {"seq", 1}}}),
                              .commands = json::array()},
      write::PutOperation{.run_id = "r1", .kind = "timer", .seq = 2, .due_ms = 99},
      write::SetRunStatus{.run_id = "r1", .status = RunStatus::kRunning},
  };
  REQUIRE((*journal)->Apply(batch));
  auto run = (*journal)->FindRun("r1");
  REQUIRE(run);
  REQUIRE(*run);
  CHECK((*run)->status == RunStatus::kRunning);
  CHECK((*run)->input == json{{"name", "Ada"}});
  CHECK((*run)->pin["sha256"] == "abc");
  auto activations = (*journal)->Activations("r1");
  REQUIRE(activations);
  REQUIRE(activations->size() == 1);
  CHECK(activations->front().now_ms == 5);
  auto operations = (*journal)->Operations("r1");
  REQUIRE(operations);
  REQUIRE(operations->size() == 1);
  CHECK(operations->front().due_ms == 99);
  auto unfinished = (*journal)->UnfinishedRuns();
  REQUIRE(unfinished);
  CHECK(unfinished->size() == 1);
}

TEST_CASE("a failing write rolls the whole transaction back") {
  auto journal = Journal::Open(TempJournal("rollback"));
  REQUIRE(journal);
  JournalBatch first{write::InsertRun{SampleRun("r1")}};
  JournalBatch second{write::InsertRun{SampleRun("r2")}, write::InsertRun{SampleRun("r1")}};
  REQUIRE((*journal)->Apply(first));
  auto failed = (*journal)->Apply(std::vector<const JournalBatch*>{&second});
  REQUIRE_FALSE(failed);
  CHECK(failed.error().find("run id r1 is already in the journal") != std::string::npos);
  auto r2 = (*journal)->FindRun("r2");
  REQUIRE(r2);
  CHECK_FALSE(*r2);
}

TEST_CASE("inbox rows and replies cross connections; data_version sees other writers") {
  const auto path = TempJournal("inbox");
  auto engine_side = Journal::Open(path);
  auto client_side = Journal::Open(path);
  REQUIRE(engine_side);
  REQUIRE(client_side);
  auto before = (*engine_side)->DataVersion();
  REQUIRE(before);
  auto id = (*client_side)->Enqueue({.run_id = "r1", .kind = "query", .name = "status"});
  REQUIRE(id);
  auto after = (*engine_side)->DataVersion();
  REQUIRE(after);
  CHECK(*after != *before);
  auto items = (*engine_side)->InboxAfter(0);
  REQUIRE(items);
  REQUIRE(items->size() == 1);
  CHECK(items->front().name == "status");
  REQUIRE((*engine_side)
              ->Apply(JournalBatch{write::PutReply{*id, {.ok = true, .value = 42}},
                                   write::DeleteInbox{*id}}));
  auto reply = (*client_side)->FindReply(*id);
  REQUIRE(reply);
  REQUIRE(*reply);
  CHECK((*reply)->ok);
  CHECK((*reply)->value == 42);
}

TEST_CASE("a reschedule does not resurrect a deleted operation") {
  auto journal = Journal::Open(TempJournal("reschedule"));
  REQUIRE(journal);
  REQUIRE((*journal)->Apply(
      JournalBatch{write::DeleteOperation{"r1", "activity", 1},
                   write::RescheduleOperation{"r1", "activity", 1, 10, 2, json()}}));
  auto operations = (*journal)->Operations("r1");
  REQUIRE(operations);
  CHECK(operations->empty());
}

}  // namespace

TEST_CASE("a run id already in the journal is refused, never merged into the run it names") {
  auto journal = Journal::Open(TempJournal("duplicate-run-id"));
  REQUIRE(journal);
  REQUIRE((*journal)->Apply(JournalBatch{write::InsertRun{SampleRun("r1")}}));
  RunRecord second = SampleRun("r1");
  second.workflow_id = "another";
  second.input = {{"name", "Bob"}};
  auto refused = (*journal)->Apply(JournalBatch{write::InsertRun{second}});
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error(), Catch::Contains("run id r1 is already in the journal"));
  auto kept = (*journal)->FindRun("r1");
  REQUIRE(kept);
  REQUIRE(*kept);
  CHECK((*kept)->workflow_id == "wf-r1");
  CHECK((*kept)->input == json{{"name", "Ada"}});
}

TEST_CASE("a run of a workflow id that has an open run is refused in the same transaction") {
  auto journal = Journal::Open(TempJournal("open-workflow-id"));
  REQUIRE(journal);
  REQUIRE((*journal)->Apply(JournalBatch{write::InsertRun{SampleRun("r1")}}));  // pending
  RunRecord again = SampleRun("r2");
  again.workflow_id = "wf-r1";
  auto refused =
      (*journal)->Apply(JournalBatch{write::InsertRun{.run = again, .unless_workflow_open = true}});
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error(), Catch::Contains("workflow id wf-r1 is already running (run r1)"));
  REQUIRE((*journal)->Apply(
      JournalBatch{write::SetRunStatus{.run_id = "r1", .status = RunStatus::kCompleted}}));
  CHECK((*journal)->Apply(
      JournalBatch{write::InsertRun{.run = again, .unless_workflow_open = true}}));
}

TEST_CASE("ResolveRun finds a run id first, else the newest run of a workflow id") {
  auto journal = Journal::Open(TempJournal("resolve"));
  REQUIRE(journal);
  RunRecord older = SampleRun("r1");
  older.workflow_id = "shared";
  RunRecord newer = SampleRun("r2");
  newer.workflow_id = "shared";
  newer.created_ms = 2000;
  // A run whose id is another run's workflow id: the run id wins.
  RunRecord named = SampleRun("shared");
  named.workflow_id = "other";
  REQUIRE((*journal)->Apply(
      JournalBatch{write::InsertRun{older}, write::InsertRun{newer}, write::InsertRun{named}}));
  auto by_run = (*journal)->ResolveRun("r1");
  REQUIRE(by_run);
  REQUIRE(*by_run);
  CHECK((*by_run)->run_id == "r1");
  auto by_workflow = (*journal)->ResolveRun("other");
  REQUIRE(by_workflow);
  REQUIRE(*by_workflow);
  CHECK((*by_workflow)->run_id == "shared");
  auto run_id_first = (*journal)->ResolveRun("shared");
  REQUIRE(run_id_first);
  REQUIRE(*run_id_first);
  CHECK((*run_id_first)->run_id == "shared");
  auto unknown = (*journal)->ResolveRun("nobody");
  REQUIRE(unknown);
  CHECK(!*unknown);

  // Without the run named after it, "shared" is a workflow id: its newest run.
  auto other = Journal::Open(TempJournal("resolve-newest"));
  REQUIRE(other);
  REQUIRE((*other)->Apply(JournalBatch{write::InsertRun{newer}, write::InsertRun{older}}));
  auto newest = (*other)->ResolveRun("shared");
  REQUIRE(newest);
  REQUIRE(*newest);
  CHECK((*newest)->run_id == "r2");
}

TEST_CASE("a read of the pin's identity brings name, version and sha256, not the definition") {
  auto journal = Journal::Open(TempJournal("identity"));
  REQUIRE(journal);
  RunRecord run = SampleRun("r1");
  run.pin["definition"] = {{"steps", json::array({{{"id", "a"}}})}};
  REQUIRE((*journal)->Apply(JournalBatch{write::InsertRun{run}}));
  auto whole = (*journal)->FindRun("r1", PinRead::kWhole);
  REQUIRE(whole);
  REQUIRE(*whole);
  CHECK((*whole)->pin.contains("definition"));
  auto identity = (*journal)->FindRun("r1", PinRead::kIdentity);
  REQUIRE(identity);
  REQUIRE(*identity);
  CHECK((*identity)->pin == json{{"name", "hello"}, {"version", 1}, {"sha256", "abc"}});
  CHECK((*identity)->input == run.input);
  auto resolved = (*journal)->ResolveRun("wf-r1", PinRead::kIdentity);
  REQUIRE(resolved);
  REQUIRE(*resolved);
  CHECK((*resolved)->pin == (*identity)->pin);
  auto listed = (*journal)->ListRuns(10);
  REQUIRE(listed);
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().pin == (*identity)->pin);
}
