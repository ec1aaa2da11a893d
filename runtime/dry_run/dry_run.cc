#include "runtime/dry_run/dry_run.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>
#include <variant>

#include "runtime/interpreter/error_value.h"
#include "runtime/interpreter/workflow_instance.h"
#include "runtime/run/activity_retry.h"
#include "runtime/run/clock.h"
#include "runtime/run/command_handler.h"
#include "runtime/run/failure_codec.h"
#include "runtime/run/query_answers.h"
#include "runtime/run/run_seed.h"

namespace weft::dry_run {
namespace {

using interpreter::RootCause;
using nlohmann::json;
using run::FailureToJson;
namespace ip = interpreter;

constexpr std::int64_t kStartTimeMs = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr char kRunId[] = "dry-run-1";
// A run that needs more activations than this is looping: stop it and say so.
constexpr int kMaxActivations = 100000;
// An activity call that fails more attempts than this, under a policy that would go on, is
// retried forever by a real engine too: stop it and say how to end it.
constexpr std::int32_t kMaxAttempts = 100;

// Where each step of the definition is, so that a command's step_path names its step.
class StepIndex {
 public:
  explicit StepIndex(const dsl::Definition& definition) { Walk(definition.steps); }

  // The step id for a path: exact, or the nearest enclosing step.
  std::string IdOf(std::string path) const {
    while (!path.empty()) {
      if (auto it = by_path_.find(path); it != by_path_.end()) return it->second;
      const auto slash = path.rfind('/');
      if (slash == std::string::npos) break;
      path.resize(slash);
    }
    return {};
  }

  // The `workflow` step that starts children of this name, when there is exactly one.
  std::string ChildStep(const std::string& name) const {
    auto it = children_.find(name);
    return it != children_.end() && it->second.size() == 1 ? it->second.front() : std::string();
  }
  bool ChildWaits(const std::string& id) const {
    auto it = child_waits_.find(id);
    return it == child_waits_.end() || it->second;
  }

 private:
  void Walk(const dsl::Block& block) {
    for (const dsl::Step& step : block) {
      by_path_[step.path] = step.id;
      std::visit(
          [&](const auto& body) {
            using Body = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<Body, dsl::CallStep>) {
              if (!body.call.path.empty()) by_path_[body.call.path] = step.id;
              if (body.compensate && !body.compensate->path.empty()) {
                by_path_[body.compensate->path] = step.id + ".compensate";
              }
            } else if constexpr (std::is_same_v<Body, dsl::SwitchStep>) {
              for (const auto& c : body.cases) Walk(c.steps);
              Walk(body.default_steps);
            } else if constexpr (std::is_same_v<Body, dsl::ParallelStep>) {
              for (const auto& branch : body.branches) Walk(branch.steps);
            } else if constexpr (std::is_same_v<Body, dsl::ForeachStep> ||
                                 std::is_same_v<Body, dsl::WhileStep>) {
              Walk(body.steps);
            } else if constexpr (std::is_same_v<Body, dsl::TryStep>) {
              Walk(body.steps);
              for (const auto& clause : body.catches) Walk(clause.steps);
              Walk(body.finally_steps);
            } else if constexpr (std::is_same_v<Body, dsl::ChildWorkflowStep>) {
              children_[body.name].push_back(step.id);
              child_waits_[step.id] = body.wait;
            }
          },
          step.body);
    }
  }

  std::map<std::string, std::string> by_path_;
  std::map<std::string, std::vector<std::string>> children_;
  std::map<std::string, bool> child_waits_;
};

bool ChainHasType(const ip::Failure& failure, const std::string& type) {
  for (const ip::Failure* at = &failure; at != nullptr; at = at->cause.get()) {
    if (at->type == type) return true;
  }
  return false;
}

bool ChainHasMessage(const ip::Failure& failure, const std::string& text) {
  for (const ip::Failure* at = &failure; at != nullptr; at = at->cause.get()) {
    if (at->message.find(text) != std::string::npos) return true;
  }
  return false;
}

// The JSON Pointer of the first place two values differ ("" for the root).
std::string FirstDifference(const json& expected, const json& actual) {
  const json patch = json::diff(expected, actual);
  return patch.empty() ? std::string() : patch.front().value("path", std::string());
}

// The error a mock raises, as an activity would raise it.
activity::ActivityError MockError(const Mock& mock) {
  activity::ActivityError error;
  error.type = mock.error_type;
  error.message = mock.error_message.empty() ? mock.error_type : mock.error_message;
  error.details = mock.error_details;
  error.non_retryable = mock.non_retryable;
  return error;
}

// A child's mocked failure, as the parent sees a failed child: wrapped, with the cause's type.
ip::Failure MockChildFailure(const Mock& mock, const std::string& workflow_type,
                             const std::string& workflow_id) {
  const activity::ActivityError error = MockError(mock);
  auto cause = std::make_shared<ip::Failure>(ip::Failure{.type = error.type,
                                                         .message = error.message,
                                                         .details = error.details,
                                                         .non_retryable = error.non_retryable});
  return ip::Failure{.kind = ip::Failure::Kind::kChildWorkflow,
                     .type = error.type,
                     .message = "child workflow " + workflow_type + " failed",
                     .cause = std::move(cause),
                     .info = {{"workflow_type", workflow_type}, {"workflow_id", workflow_id}}};
}

class Driver final : private run::CommandHandler {
 public:
  Driver(std::shared_ptr<const dsl::Definition> definition, const TestCase& test_case)
      : definition_(std::move(definition)),
        instance_(definition_),
        test_case_(test_case),
        steps_(*definition_) {
    result_.name = test_case.name;
    result_.line = test_case.line;
  }

  CaseResult Run() {
    pending_.push_back({ip::StartWorkflow{.workflow_type = definition_->name,
                                          .workflow_id = "dry-run",
                                          .run_id = kRunId,
                                          .task_queue = "weft",
                                          .input = test_case_.input,
                                          .random_seed = run::RunSeed(kRunId)}});
    int activations = 0;
    while (!aborted_) {
      if (++activations > kMaxActivations) {
        Fail("limit", "",
             "the run took more than " + std::to_string(kMaxActivations) +
                 " activations: is a loop never ending?");
        result_.status = "aborted";
        break;
      }
      ip::Activation activation{.now_unix_ms = clock_.NowMs()};
      // Activity and child results arrive one at a time, as from a real engine; the jobs
      // that happen at one instant (timers firing together) arrive together.
      if (!pending_.empty()) {
        activation.jobs = std::move(pending_.front());
        pending_.pop_front();
        MarkDelivered(activation.jobs);
      }
      for (const ip::Command& command : instance_.Activate(activation)) {
        run::Dispatch(command, *this);
      }
      if (closed_ || aborted_) break;
      if (!pending_.empty()) continue;
      if (DeliverNextEvent()) continue;
      if (AdvanceClock()) continue;
      result_.status = "waiting";
      std::string waiting =
          "the run is waiting (a signal, an update or a condition) and the "
          "case has nothing left to send";
      if (next_event_ < test_case_.events.size()) {
        const ScriptedEvent& event = test_case_.events[next_event_];
        waiting = "the run is waiting, and the next event (line " + std::to_string(event.line) +
                  ") waits for step `" + event.after_step.value_or("") +
                  "`, which has not completed";
      }
      Fail("stuck", "", waiting);
      break;
    }
    result_.virtual_time_ms = clock_.NowMs() - kStartTimeMs;
    Judge();
    return std::move(result_);
  }

 private:
  void Fail(std::string what, std::string step, std::string message, json expected = nullptr,
            json actual = nullptr) {
    result_.failures.push_back({std::move(what), std::move(step), std::move(message),
                                std::move(expected), std::move(actual)});
  }

  // The mock for this call of `step` (or of the activity), advancing its sequence.
  const Mock* NextMock(const std::string& step, const std::string& activity_type) {
    for (const std::string& key : {step, activity_type}) {
      auto it = test_case_.mocks.find(key);
      if (it == test_case_.mocks.end() || it->second.calls.empty()) continue;
      std::size_t& used = mock_calls_[key];
      const Mock& mock = it->second.calls[std::min(used, it->second.calls.size() - 1)];
      ++used;
      return &mock;
    }
    return nullptr;
  }

  // ---- the commands (run::CommandHandler) ----

  void On(const ip::ScheduleActivity& c) override {
    const std::string step = steps_.IdOf(c.step_path);
    result_.steps.push_back(step);
    calls_[c.seq] = {.schedule = c, .step = step, .scheduled_at_ms = clock_.NowMs()};
    Attempt(c.seq);
  }

  // One attempt of an activity call, answered by the next mock; a failed attempt goes to the
  // step's retry policy as on the engines (run::DecideRetry), and a retry waits for its
  // backoff on the virtual clock (AdvanceClock).
  void Attempt(std::uint32_t seq) {
    ActivityCall& call = calls_.at(seq);
    const ip::ScheduleActivity& c = call.schedule;
    call.next_attempt_at_ms.reset();
    ++call.attempts;
    const Mock* mock = NextMock(call.step, c.activity_type);
    if (mock == nullptr) {
      Fail("mock", call.step,
           "step `" + call.step + "` calls the activity " + c.activity_type +
               ", and the case has no mock for it: add `" + call.step +
               ": {result: ...}` (or {error: {type: ...}}) under `mocks`");
      aborted_ = true;
      result_.status = "aborted";
      return;
    }
    if (mock->result) {
      Resolve(seq, {.result = *mock->result});
      return;
    }
    run::RetryDecision decision = run::DecideRetry(c, call.attempts, {.error = MockError(*mock)},
                                                   call.scheduled_at_ms, clock_.NowMs());
    if (!decision.retry) {
      Resolve(seq, {.status = ip::ActivityResolution::Status::kFailed,
                    .failure = std::move(decision.failure)});
      return;
    }
    if (call.attempts >= kMaxAttempts) {
      Fail("limit", call.step,
           "step `" + call.step + "` failed " + std::to_string(call.attempts) + " attempts with " +
               mock->error_type + " and its retry policy would go on (a real engine retries it " +
               "forever): give the step `retry: {maximum_attempts: N}`, list the type in " +
               "non_retryable_error_types, mark the mocked error `non_retryable: true`, or end " +
               "its mocks with a result");
      aborted_ = true;
      result_.status = "aborted";
      return;
    }
    call.next_attempt_at_ms = decision.next_attempt_at_ms;
  }

  // The call's outcome goes to the run, and to the report with its attempts.
  void Resolve(std::uint32_t seq, ip::ActivityResolution resolution) {
    ActivityCall& call = calls_.at(seq);
    call.next_attempt_at_ms.reset();
    ActivityAttempts report{.step = call.step,
                            .activity = call.schedule.activity_type,
                            .attempts = call.attempts,
                            .virtual_time_ms = clock_.NowMs() - call.scheduled_at_ms};
    switch (resolution.status) {
      case ip::ActivityResolution::Status::kCompleted:
        report.outcome = "completed";
        break;
      case ip::ActivityResolution::Status::kFailed:
        report.outcome = "failed";
        report.retry_state = resolution.failure.info.value("retry_state", "");
        break;
      case ip::ActivityResolution::Status::kCancelled:
        report.outcome = "cancelled";
        break;
    }
    result_.activities.push_back(std::move(report));
    activities_[seq] = {call.step, pending_.size()};
    pending_.push_back({ip::ResolveActivity{.seq = seq, .resolution = std::move(resolution)}});
  }

  void On(const ip::RequestCancelActivity& c) override {
    // Between attempts: it ends as cancelled now, as on the engines.
    if (auto call = calls_.find(c.seq);
        call != calls_.end() && call->second.next_attempt_at_ms.has_value()) {
      Resolve(c.seq, {.status = ip::ActivityResolution::Status::kCancelled,
                      .failure = run::ActivityCancelledFailure(call->second.schedule)});
      return;
    }
    // Not yet delivered: it ends as cancelled instead, as Temporal's TRY_CANCEL does.
    for (auto& jobs : pending_) {
      for (auto& job : jobs) {
        if (auto* resolve = std::get_if<ip::ResolveActivity>(&job);
            resolve != nullptr && resolve->seq == c.seq) {
          resolve->resolution.status = ip::ActivityResolution::Status::kCancelled;
          resolve->resolution.result = nullptr;
          resolve->resolution.failure = {.kind = ip::Failure::Kind::kCancelled,
                                         .type = "Cancelled",
                                         .message = "activity cancelled"};
        }
      }
    }
  }

  void On(const ip::StartTimer& c) override {
    timers_[c.seq] = clock_.NowMs() + c.duration.count();
  }

  void On(const ip::CancelTimer& c) override { timers_.erase(c.seq); }

  void On(const ip::StartChildWorkflow& c) override {
    const std::string step = steps_.ChildStep(c.workflow_type);
    const Mock* mock = NextMock(step.empty() ? c.workflow_type : step, c.workflow_type);
    if (mock == nullptr) {
      Fail("mock", step,
           "the child workflow " + c.workflow_type +
               (step.empty() ? "" : " (step `" + step + "`)") + " has no mock: add `" +
               (step.empty() ? c.workflow_type : step) + ": {result: ...}` under `mocks`");
      aborted_ = true;
      result_.status = "aborted";
      return;
    }
    if (!step.empty()) result_.steps.push_back(step);
    std::vector<ip::Job> jobs;
    jobs.push_back(ip::ResolveChildWorkflowStart{.seq = c.seq, .run_id = "dry-run-child"});
    pending_.push_back(std::move(jobs));
    if (steps_.ChildWaits(step)) {
      ip::ResolveChildWorkflow resolve{.seq = c.seq};
      if (mock->result) {
        resolve.result = *mock->result;
      } else {
        resolve.status = ip::ActivityResolution::Status::kFailed;
        resolve.failure = MockChildFailure(*mock, c.workflow_type, c.workflow_id);
      }
      pending_.push_back({std::move(resolve)});
      completes_[c.seq] = step;
    }
  }

  void On(const ip::SignalExternalWorkflow& c) override {
    pending_.push_back({ip::ResolveSignalExternalWorkflow{.seq = c.seq}});
  }

  void On(const ip::AcceptUpdate& c) override { answers_[c.id]["accepted"] = true; }

  void On(const ip::RejectUpdate& c) override {
    answers_[c.id] = {{"rejected", true}, {"error", FailureToJson(c.failure)}};
  }

  void On(const ip::CompleteUpdate& c) override {
    if (c.result) answers_[c.id]["result"] = *c.result;
    if (c.failure) answers_[c.id]["error"] = FailureToJson(*c.failure);
  }

  void On(const ip::RespondToQuery& c) override {
    if (c.result) answers_[c.id]["result"] = *c.result;
    if (c.failure) answers_[c.id]["error"] = FailureToJson(*c.failure);
  }

  void On(const ip::CompleteWorkflow& c) override {
    closed_ = true;
    result_.status = "completed";
    result_.output = c.result;
  }

  void On(const ip::FailWorkflow& c) override {
    closed_ = true;
    result_.status = "failed";
    const ip::Failure& root = RootCause(c.failure);
    result_.error = {{"type", root.type}, {"message", root.message}};
    if (!c.failure.step.empty()) result_.error["step"] = c.failure.step;
    if (!c.failure.compensations.empty()) result_.error["compensations"] = c.failure.compensations;
    if (&root != &c.failure) result_.error["failure"] = FailureToJson(c.failure);
    failure_ = c.failure;
  }

  void On(const ip::CancelWorkflowExecution&) override {
    closed_ = true;
    result_.status = "cancelled";
  }

  void On(const ip::ContinueAsNew& c) override {
    closed_ = true;
    result_.status = "continued_as_new";
    result_.output = c.input;
  }

  // Nothing to answer: a dry run has no history, no search index and no real children.
  void On(const ip::RecordMarker&) override {}
  void On(const ip::UpsertSearchAttributes&) override {}
  void On(const ip::UpsertMemo&) override {}
  void On(const ip::RequestCancelChildWorkflow&) override {}

  // A step counts as completed once its activity's (or child's) result was delivered.
  bool StepCompleted(const std::string& step) const { return completed_steps_.contains(step); }

  bool DeliverNextEvent() {
    if (next_event_ >= test_case_.events.size()) return false;
    const ScriptedEvent& event = test_case_.events[next_event_];
    if (event.after_step && !StepCompleted(*event.after_step)) return false;
    if (event.at && kStartTimeMs + event.at->count() > clock_.NowMs()) return false;
    ++next_event_;
    const std::string id = "event-" + std::to_string(next_event_);
    switch (event.kind) {
      case ScriptedEvent::Kind::kSignal:
        pending_.push_back({ip::SignalWorkflow{.name = event.name, .payload = event.input}});
        break;
      case ScriptedEvent::Kind::kUpdate:
        pending_.push_back({ip::DoUpdate{.id = id, .name = event.name, .payload = event.input}});
        break;
      case ScriptedEvent::Kind::kQuery: {
        const auto interpret = [this](const ip::Activation& activation) {
          return instance_.Activate(activation);
        };
        for (const ip::RespondToQuery& answer : run::AnswerQueries(
                 interpret, clock_.NowMs(),
                 {ip::QueryWorkflow{.id = id, .name = event.name, .payload = event.input}})) {
          On(answer);
        }
        break;
      }
    }
    delivered_events_.emplace_back(&event, id);
    return true;
  }

  // Moves the clock to the next timer, retry or timed event; false when nothing lies ahead.
  bool AdvanceClock() {
    std::optional<std::int64_t> next;
    for (const auto& [seq, at] : timers_) next = next ? std::min(*next, at) : at;
    for (const auto& [seq, call] : calls_) {
      if (!call.next_attempt_at_ms) continue;
      const std::int64_t at = *call.next_attempt_at_ms;
      next = next ? std::min(*next, at) : at;
    }
    if (next_event_ < test_case_.events.size() && test_case_.events[next_event_].at) {
      const std::int64_t at = kStartTimeMs + test_case_.events[next_event_].at->count();
      next = next ? std::min(*next, at) : at;
    }
    if (!next) return false;
    clock_.Idle(*next);
    const std::int64_t now = clock_.NowMs();
    std::vector<ip::Job> fired;
    for (auto it = timers_.begin(); it != timers_.end();) {
      if (it->second <= now) {
        fired.push_back(ip::FireTimer{.seq = it->first});
        it = timers_.erase(it);
      } else {
        ++it;
      }
    }
    if (!fired.empty()) pending_.push_back(std::move(fired));
    std::vector<std::uint32_t> due;
    for (const auto& [seq, call] : calls_) {
      if (call.next_attempt_at_ms && *call.next_attempt_at_ms <= now) due.push_back(seq);
    }
    for (std::uint32_t seq : due) {
      if (!aborted_) Attempt(seq);
    }
    return true;
  }

  void Judge() {
    const Expectation& expect = test_case_.expect;
    if (expect.output) {
      if (result_.status != "completed") {
        Fail("output", "", "expected the workflow to complete, but it " + Outcome(), *expect.output,
             result_.status == "failed" ? result_.error : result_.output);
      } else if (result_.output != *expect.output) {
        const std::string where = FirstDifference(*expect.output, result_.output);
        Fail("output", "", "the output differs" + (where.empty() ? std::string() : " at " + where),
             *expect.output, result_.output);
      }
    }
    if (expect.error_type || expect.error_message) {
      json wanted = json::object();
      if (expect.error_type) wanted["type"] = *expect.error_type;
      if (expect.error_message) wanted["message"] = *expect.error_message;
      if (result_.status != "failed" || !failure_) {
        Fail("error", "", "expected the workflow to fail, but it " + Outcome(), wanted,
             result_.output);
      } else if ((expect.error_type && !ChainHasType(*failure_, *expect.error_type)) ||
                 (expect.error_message && !ChainHasMessage(*failure_, *expect.error_message))) {
        Fail("error", "", "the workflow failed with another error", wanted, result_.error);
      }
    }
    if (expect.continue_as_new) {
      if (result_.status != "continued_as_new") {
        Fail("continue_as_new", "", "expected the workflow to continue as new, but it " + Outcome(),
             *expect.continue_as_new, result_.output);
      } else if (result_.output != *expect.continue_as_new) {
        const std::string where = FirstDifference(*expect.continue_as_new, result_.output);
        Fail("continue_as_new", "",
             "the new run's input differs" + (where.empty() ? std::string() : " at " + where),
             *expect.continue_as_new, result_.output);
      }
    }
    if (!expect.output && !expect.error_type && !expect.error_message &&
        result_.status == "failed") {
      Fail("error", "", "the workflow failed (the case expects no error)", nullptr, result_.error);
    }
    for (const auto& [step, wanted] : expect.attempts) {
      std::int32_t made = 0;
      for (const ActivityAttempts& call : result_.activities) {
        if (call.step == step) made += call.attempts;
      }
      for (const auto& [seq, call] : calls_) {  // a call still between attempts
        if (call.step == step && call.next_attempt_at_ms) made += call.attempts;
      }
      if (made != wanted) {
        Fail("attempts", step,
             "step `" + step + "` made " + std::to_string(made) + " attempts, not " +
                 std::to_string(wanted),
             wanted, made);
      }
    }
    if (expect.virtual_time && expect.virtual_time->count() != result_.virtual_time_ms) {
      Fail("virtual_time", "",
           "the virtual clock moved " + std::to_string(result_.virtual_time_ms) + " ms, not " +
               std::to_string(expect.virtual_time->count()),
           expect.virtual_time->count(), result_.virtual_time_ms);
    }
    if (expect.steps && *expect.steps != result_.steps) {
      std::size_t at = 0;
      while (at < expect.steps->size() && at < result_.steps.size() &&
             (*expect.steps)[at] == result_.steps[at]) {
        ++at;
      }
      Fail("steps", at < result_.steps.size() ? result_.steps[at] : "",
           "the steps ran in another order: they agree up to position " + std::to_string(at),
           *expect.steps, result_.steps);
    }
    for (const auto& [event, id] : delivered_events_) {
      const json answer = answers_.contains(id) ? answers_[id] : json();
      if (event->expect.is_null()) continue;
      const std::string label =
          std::string(event->kind == ScriptedEvent::Kind::kUpdate ? "update " : "query ") +
          event->name + " (line " + std::to_string(event->line) + ")";
      if (event->expect.contains("rejected")) {
        const bool rejected = answer.value("rejected", false);
        if (rejected != event->expect["rejected"].get<bool>()) {
          Fail("event", "", label + (rejected ? " was rejected" : " was not rejected"),
               event->expect, answer);
        }
      }
      if (event->expect.contains("result") &&
          (!answer.contains("result") || answer["result"] != event->expect["result"])) {
        Fail("event", "", label + " answered something else", event->expect["result"],
             answer.is_null() ? json("no answer") : answer);
      }
      if (event->expect.contains("error")) {
        const json& wanted = event->expect["error"];
        const bool matches =
            answer.contains("error") &&
            (!wanted.contains("type") || answer["error"].value("type", "") == wanted["type"]);
        if (!matches) Fail("event", "", label + " did not fail as expected", wanted, answer);
      }
    }
    for (std::size_t i = next_event_; i < test_case_.events.size(); ++i) {
      const ScriptedEvent& event = test_case_.events[i];
      Fail("event", event.after_step.value_or(""),
           "the event on line " + std::to_string(event.line) + " (" + event.name +
               ") was never sent: the run " + Outcome() + " first");
    }
    result_.passed = result_.failures.empty();
  }

  std::string Outcome() const {
    if (result_.status == "failed") {
      return "failed with " + result_.error.value("type", std::string()) + ": " +
             result_.error.value("message", std::string());
    }
    if (result_.status == "completed") return "completed";
    if (result_.status == "continued_as_new") return "continued as new";
    if (result_.status == "waiting") return "was still waiting";
    return result_.status;
  }

  // Bookkeeping of delivered activity results, so `after` triggers see completed steps.
  void MarkDelivered(const std::vector<ip::Job>& jobs) {
    for (const ip::Job& job : jobs) {
      if (const auto* resolve = std::get_if<ip::ResolveActivity>(&job)) {
        if (auto it = activities_.find(resolve->seq); it != activities_.end()) {
          completed_steps_.insert(it->second.first);
        }
      } else if (const auto* child = std::get_if<ip::ResolveChildWorkflow>(&job)) {
        if (auto it = completes_.find(child->seq); it != completes_.end()) {
          completed_steps_.insert(it->second);
        }
      }
    }
  }

 private:
  std::shared_ptr<const dsl::Definition> definition_;
  ip::WorkflowInstance instance_;
  const TestCase& test_case_;
  StepIndex steps_;
  CaseResult result_;
  // Virtual time: it jumps to the next timer or timed event whenever the run waits.
  run::ManualClock clock_{kStartTimeMs, /*skip_when_idle=*/true};
  std::deque<std::vector<ip::Job>> pending_;
  std::map<std::uint32_t, std::int64_t> timers_;  // seq -> fire time
  // Each activity call of the run, by seq: its attempts so far, and when the next one is due
  // while it waits out its backoff.
  struct ActivityCall {
    ip::ScheduleActivity schedule;
    std::string step;
    std::int32_t attempts = 0;
    std::int64_t scheduled_at_ms = 0;
    std::optional<std::int64_t> next_attempt_at_ms;
  };
  std::map<std::uint32_t, ActivityCall> calls_;
  std::map<std::uint32_t, std::pair<std::string, std::size_t>> activities_;  // seq -> step
  std::map<std::uint32_t, std::string> completes_;                           // child seq -> step
  std::set<std::string> completed_steps_;
  std::map<std::string, std::size_t> mock_calls_;
  std::size_t next_event_ = 0;
  std::vector<std::pair<const ScriptedEvent*, std::string>> delivered_events_;
  std::map<std::string, json> answers_;
  std::optional<ip::Failure> failure_;
  bool closed_ = false;
  bool aborted_ = false;
};

}  // namespace

json CaseFailure::ToJson() const {
  json out = {{"what", what}, {"message", message}};
  if (!step.empty()) out["step"] = step;
  if (!expected.is_null()) out["expected"] = expected;
  if (!actual.is_null()) out["actual"] = actual;
  return out;
}

json ActivityAttempts::ToJson() const {
  json out = {{"step", step},
              {"activity", activity},
              {"attempts", attempts},
              {"outcome", outcome},
              {"virtual_time_ms", virtual_time_ms}};
  if (!retry_state.empty()) out["retry_state"] = retry_state;
  return out;
}

json CaseResult::ToJson() const {
  json out = {{"name", name},     {"line", line},   {"passed", passed},
              {"status", status}, {"steps", steps}, {"virtual_time_ms", virtual_time_ms}};
  out["activities"] = json::array();
  for (const ActivityAttempts& call : activities) out["activities"].push_back(call.ToJson());
  if (status == "completed" || status == "continued_as_new") out["output"] = output;
  if (status == "failed") out["error"] = error;
  out["failures"] = json::array();
  for (const CaseFailure& failure : failures) out["failures"].push_back(failure.ToJson());
  return out;
}

CaseResult RunCase(std::shared_ptr<const dsl::Definition> definition, const TestCase& test_case) {
  return Driver(std::move(definition), test_case).Run();
}

}  // namespace weft::dry_run
