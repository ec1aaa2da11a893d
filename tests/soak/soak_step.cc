#include "tests/soak/soak_step.h"

#include <chrono>
#include <random>
#include <thread>

#include "tests/soak/soak_workflow.h"

namespace weft::soak {

std::string SoakActivityId(const nlohmann::json& args) {
  std::string id = args.value("wf", "") + "#" + args.value("step", "");
  const std::int64_t index = args.value("index", std::int64_t{-1});
  if (index >= 0) id += "." + std::to_string(index);
  return id;
}

SoakStepOutcome RunSoakStep(const nlohmann::json& args, int attempt, LedgerWriter& ledger) {
  LedgerLine line{
      .token = NewExecutionToken(), .attempt = attempt, .activity = SoakActivityId(args)};
  // Before any work: an execution a kill cuts short is in the ledger all the same.
  if (!ledger.Append(line)) {
    return {.ok = false, .error_type = "SoakLedger", .message = "ledger write", .retryable = true};
  }
  static thread_local std::mt19937 random{std::random_device{}()};
  std::this_thread::sleep_for(std::chrono::milliseconds(1 + random() % 15));

  SoakStepOutcome outcome;
  if (args.value("fail", false)) {
    outcome = {.ok = false, .error_type = "SoakFailure", .message = "fails on purpose"};
  } else if (args.value("flaky", false) && attempt <= 1) {
    outcome = {.ok = false,
               .error_type = "SoakFlaky",
               .message = "first attempt fails",
               .retryable = true};
  } else {
    outcome.result = {
        {"value", Step(args.value("value", std::int64_t{0}), args.value("add", std::int64_t{0}))},
        {"token", line.token},
        {"id", line.activity}};
  }
  line.phase = LedgerLine::Phase::kEnd;
  line.ok = outcome.ok;
  if (!ledger.Append(line)) {
    return {.ok = false, .error_type = "SoakLedger", .message = "ledger write", .retryable = true};
  }
  return outcome;
}

}  // namespace weft::soak
