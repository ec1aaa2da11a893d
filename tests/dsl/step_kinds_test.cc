// The table of step kinds (dsl/step_kinds.h): one row per kind, found by its key, and the rules
// the loader reads from it, checked row by row through LoadDefinition.
#include "dsl/step_kinds.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <string_view>

#include "dsl/loader.h"

using weft::dsl::FindStepKind;
using weft::dsl::StepKind;
using weft::dsl::StepKindName;
using weft::dsl::StepKindOf;
using weft::dsl::StepKinds;
using weft::dsl::StepKindSpec;

TEST_CASE("every step kind has one row, found by its key and by its kind") {
  REQUIRE(StepKinds().size() == 12);
  std::set<std::string_view> names;
  for (const StepKindSpec& spec : StepKinds()) {
    INFO(spec.name);
    CHECK(names.insert(spec.name).second);
    CHECK(FindStepKind(spec.name) == &spec);
    CHECK(&StepKindOf(spec.kind) == &spec);
    CHECK(std::string_view(StepKindName(spec.kind)) == spec.name);
    CHECK(spec.load != nullptr);
  }
  CHECK(FindStepKind("sleep") == nullptr);
  CHECK(FindStepKind("id") == nullptr);
}

TEST_CASE("the kinds with a result, and the kinds that end their block") {
  std::set<std::string_view> with_result;
  std::set<std::string_view> ending;
  for (const StepKindSpec& spec : StepKinds()) {
    if (spec.has_result) with_result.insert(spec.name);
    if (spec.ends_block) ending.insert(spec.name);
  }
  CHECK(with_result ==
        std::set<std::string_view>{"call", "parallel", "foreach", "await", "workflow"});
  CHECK(ending == std::set<std::string_view>{"fail", "return"});
  CHECK(StepKindOf(StepKind::kCall).keys.size() == 6);
}

TEST_CASE("the loader reads the table: a kind's own keys, and `result` only where it has one") {
  const std::string head = "dsl: 1\nname: t\nvars: {x: 0}\nsteps:\n";
  // `local` is a key of `call` alone.
  auto call = weft::dsl::LoadDefinition(head +
                                        "  - id: a\n    call: lua.inline\n    local: true\n"
                                        "    timeouts: {start_to_close: 1s}\n");
  CHECK(call.has_value());
  auto set = weft::dsl::LoadDefinition(head + "  - id: a\n    set: {x: 1}\n    local: true\n");
  REQUIRE_FALSE(set.has_value());
  CHECK(set.error().front().hint == "a `set` step takes: id, description, when, result, set");
  auto result = weft::dsl::LoadDefinition(head + "  - id: a\n    set: {x: 1}\n    result: x\n");
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().front().hint ==
        "`result` is for call, parallel, foreach, await and workflow steps");
  auto none = weft::dsl::LoadDefinition(head + "  - id: a\n");
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().front().hint ==
        "add one of call, set, switch, parallel, foreach, while, wait, await, workflow, try, "
        "fail, return");
}
