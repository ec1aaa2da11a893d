#include "runtime/embedded/engine_core.h"

#include <utility>

#include "runtime/embedded/journal_codec.h"
#include "runtime/embedded/run_parking.h"
#include "runtime/interpreter/definition_pin.h"
#include "runtime/run/run_seed.h"

namespace weft::embedded {
namespace {

namespace ij = interpreter;

}  // namespace

EngineCore::EngineCore(EngineOptions engine_options)
    : options(std::move(engine_options)),
      clock(options.clock != nullptr ? *options.clock : run::DefaultClock()) {}

void AttemptMailbox::Post(AttemptFinished finished) {
  std::lock_guard lock(mutex_);
  if (core_ != nullptr) core_->Post(std::move(finished));
}

void AttemptMailbox::Close() {
  std::lock_guard lock(mutex_);
  core_ = nullptr;
}

void EngineCore::Post(Event e) {
  {
    std::lock_guard lock(mutex);
    events.push_back(std::move(e));
  }
  wake.notify_one();
}

void EngineCore::Progress(const ProgressEvent& e) const {
  if (options.on_progress) options.on_progress(e);
}

void EngineCore::MarkReady(const std::string& run_id) {
  if (!ready_set.insert(run_id).second) return;
  ready.push_back(run_id);
  if (auto found = runs.find(run_id); found != runs.end()) NoteBusy(*this, *found->second);
}

std::uint64_t EngineCore::Submit(JournalBatch batch, const std::string& owner) {
  const std::uint64_t token = next_token++;
  if (!owner.empty()) batch_owner.emplace(token, owner);
  unsent.emplace_back(std::move(batch), token);
  return token;
}

void EngineCore::RememberClosed(RunOutcome outcome, const std::string& continued_to,
                                std::uint64_t durable_after) {
  const std::string run_id = outcome.run_id;
  if (!continued_to.empty()) successors[run_id] = continued_to;
  closed.insert_or_assign(run_id, std::move(outcome));
  closed_order.emplace_back(durable_after, run_id);
  waiters.Wake(run_id);
  // Forgotten only once its close is durable: WaitForRun then finds it closed in the journal,
  // never still running with no one left to wake it.
  while (closed_order.size() > options.closed_outcomes_kept &&
         closed_order.front().first <= committed_through) {
    closed.erase(closed_order.front().second);
    successors.erase(closed_order.front().second);
    closed_order.pop_front();
  }
}

void EngineCore::NoteCommittedThrough(std::uint64_t token) {
  std::lock_guard lock(mutex);
  committed_through = std::max(committed_through, token);
}

void EngineCore::SendSubmitted() {
  if (unsent.empty()) return;
  // With nothing else to do, this thread commits itself rather than wake the writer and wait
  // to be woken back: a lone run's step then takes two thread hand-offs (to an activity's pool
  // thread and back), not four. Work waiting for this thread goes to the writer, as does
  // everything while the writer is busy, so that under load the fsync overlaps the steps.
  bool nothing_else = ready.empty();
  if (nothing_else) {
    std::lock_guard lock(mutex);
    nothing_else = events.empty() && !stopping;
  }
  if (nothing_else && writer->CommitHereIfIdle(unsent)) return;
  writer->Submit(std::move(unsent));
  unsent.clear();
}

write::InsertRun EngineCore::NewRunRow(const RunRecord& record, const dsl::Definition& definition) {
  std::shared_ptr<const std::string> text;
  {
    std::lock_guard lock(mutex);
    text = pin_texts.Of(definition);
  }
  return write::InsertRun{.run = record, .pin_text = std::move(text)};
}

Run* EngineCore::AddRun(RunRecord record, std::shared_ptr<const dsl::Definition> definition,
                        std::string first_run_id) {
  auto run = std::make_unique<Run>();
  run->record = std::move(record);
  run->definition = std::move(definition);
  // The whole pin is in the journal and the run holds the Definition itself: a copy per run
  // would be most of a waiting run's memory.
  run->record.pin = ij::PinIdentity(*run->definition);
  run->instance = std::make_unique<ij::WorkflowInstance>(run->definition);
  run->first_run_id = first_run_id.empty() ? run->record.run_id : std::move(first_run_id);
  Run* raw = run.get();
  open_by_workflow_id[raw->record.workflow_id] = raw->record.run_id;
  {
    std::lock_guard lock(mutex);
    open_run_ids.insert(raw->record.run_id);
  }
  runs.emplace(raw->record.run_id, std::move(run));
  return raw;
}

void EngineCore::RemoveRun(std::string run_id) {
  auto found = runs.find(run_id);
  if (found == runs.end()) return;
  auto by_id = open_by_workflow_id.find(found->second->record.workflow_id);
  if (by_id != open_by_workflow_id.end() && by_id->second == run_id) {
    open_by_workflow_id.erase(by_id);
  }
  attempts.CancelAll(*found->second);
  NoteBusy(*this, *found->second);
  runs.erase(found);
  std::lock_guard lock(mutex);
  open_run_ids.erase(run_id);
  if (open_run_ids.empty()) idle_signal.notify_all();
}

void EngineCore::PushStart(Run& run) {
  ij::StartWorkflow start;
  start.workflow_type = run.record.name;
  start.workflow_id = run.record.workflow_id;
  start.run_id = run.record.run_id;
  start.task_queue = "weft";
  start.input = run.record.input;
  start.memo = run.record.memo;
  start.search_attributes = run.record.search_attributes;
  if (!run.record.continued_from.empty()) {
    start.continued_from_run_id = run.record.continued_from;
  }
  start.random_seed = run::RunSeed(run.first_run_id);
  start.resume = run.record.resume;
  run.pending.insert(run.pending.begin(), PendingJob{.job = std::move(start)});
  MarkReady(run.record.run_id);
}

void EngineCore::Deliver(Run& run, std::string_view kind, std::uint32_t seq, ij::Job job,
                         JournalBatch& batch) {
  batch.push_back(write::PutOperation{
      .run_id = run.record.run_id, .kind = std::string(kind), .seq = seq, .data = JobToJson(job)});
  run.pending.push_back(
      {.job = std::move(job),
       .consume = {write::DeleteOperation{run.record.run_id, std::string(kind), seq}}});
  MarkReady(run.record.run_id);
}

void EngineCore::Reply(const std::string& id, weft::embedded::Reply reply, JournalBatch& batch) {
  std::int64_t inbox_id = 0;
  try {
    inbox_id = std::stoll(id);
  } catch (const std::exception&) {
    return;
  }
  batch.push_back(write::PutReply{inbox_id, std::move(reply)});
}

}  // namespace weft::embedded
