// The definitions of workflows/ as a whole: at least eight, all valid, and together they use
// every step kind of dsl/step_kinds.h (and each form of the kinds that have several) and every
// kind of handler, so that the examples users start from show the whole language. That each
// one runs is shown on both engines by the conformance suite (tests/conformance/shipped.yaml).
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <type_traits>
#include <variant>

#include "dsl/loader.h"
#include "dsl/step_kinds.h"

namespace weft::dsl {
namespace {

namespace fs = std::filesystem;

// Every step kind by its key, and the forms worth showing by "<kind> <form>".
void Collect(const Block& block, std::set<std::string>& seen) {
  for (const Step& step : block) {
    seen.insert(StepKindName(step.kind()));
    std::visit(
        [&](const auto& body) {
          using Body = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<Body, SwitchStep>) {
            for (const SwitchCase& c : body.cases) Collect(c.steps, seen);
            Collect(body.default_steps, seen);
          } else if constexpr (std::is_same_v<Body, ParallelStep>) {
            seen.insert(body.mode == ParallelStep::Mode::kAll ? "parallel all" : "parallel any");
            for (const ParallelBranch& branch : body.branches) Collect(branch.steps, seen);
          } else if constexpr (std::is_same_v<Body, ForeachStep>) {
            Collect(body.steps, seen);
          } else if constexpr (std::is_same_v<Body, WhileStep>) {
            Collect(body.steps, seen);
          } else if constexpr (std::is_same_v<Body, TryStep>) {
            Collect(body.steps, seen);
            if (!body.catches.empty()) seen.insert("try catch");
            for (const CatchClause& clause : body.catches) Collect(clause.steps, seen);
            if (!body.finally_steps.empty()) seen.insert("try finally");
            Collect(body.finally_steps, seen);
          } else if constexpr (std::is_same_v<Body, AwaitStep>) {
            seen.insert(body.signal ? "await signal" : "await condition");
          } else if constexpr (std::is_same_v<Body, WaitStep>) {
            seen.insert(body.until ? "wait until" : "wait for");
          } else if constexpr (std::is_same_v<Body, ReturnStep>) {
            seen.insert(body.continue_as_new_input ? "return continue_as_new" : "return output");
          } else if constexpr (std::is_same_v<Body, ChildWorkflowStep>) {
            seen.insert(body.wait ? "workflow wait" : "workflow no wait");
          } else if constexpr (std::is_same_v<Body, CallStep>) {
            if (body.compensate) seen.insert("call compensate");
          }
        },
        step.body);
  }
}

}  // namespace

TEST_CASE("the shipped workflows together use every step kind and every handler") {
  std::set<std::string> seen;
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(fs::path(WEFT_SOURCE_DIR) / "workflows")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    auto loaded = LoadDefinitionFile(entry.path());
    REQUIRE(loaded);
    const Definition& definition = **loaded;
    names.insert(definition.name);
    Collect(definition.steps, seen);
    if (!definition.queries.empty()) seen.insert("query handler");
    if (!definition.signals.empty()) seen.insert("signal handler");
    for (const UpdateHandler& update : definition.updates) {
      seen.insert(update.validate ? "update handler with validator" : "update handler");
    }
    if (!definition.search_attributes.empty()) seen.insert("search attributes");
  }
  CHECK(names.size() >= 8);

  std::set<std::string> expected = {
      "parallel all",     "parallel any",     "try catch",
      "try finally",      "await signal",     "await condition",
      "wait for",         "return output",    "return continue_as_new",
      "workflow wait",    "workflow no wait", "call compensate",
      "query handler",    "signal handler",   "update handler with validator",
      "search attributes"};
  for (const StepKindSpec& spec : StepKinds()) expected.insert(std::string(spec.name));
  for (const std::string& want : expected) {
    INFO("no shipped workflow uses " << want);
    CHECK(seen.contains(want));
  }
}

}  // namespace weft::dsl
