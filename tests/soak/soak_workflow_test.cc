// The soak's generated workflows: every definition of a catalogue loads, the catalogue holds
// every block kind, and the model computes outputs as the blocks say (checked here by hand, so
// that the model is not merely what the generator believes).
#include "tests/soak/soak_workflow.h"

#include <catch2/catch.hpp>
#include <set>

#include "dsl/loader.h"

namespace weft::soak {
namespace {

TEST_CASE("every generated definition loads, and the catalogue holds every block kind") {
  for (std::uint64_t seed : {1u, 2u, 3u, 42u}) {
    const SoakCatalogue catalogue = GenerateCatalogue(seed);
    std::set<SoakBlock::Kind> kinds;
    for (const SoakDefinition& definition : catalogue.definitions) {
      INFO(definition.yaml);
      auto loaded = dsl::LoadDefinition(definition.yaml);
      REQUIRE(loaded);
      CHECK((*loaded)->name == definition.name);
      for (const SoakBlock& block : definition.blocks) kinds.insert(block.kind);
    }
    CHECK(kinds.size() == 7);
    INFO(catalogue.child_yaml);
    CHECK(dsl::LoadDefinition(catalogue.child_yaml));
  }
}

TEST_CASE("the same seed gives the same catalogue and plans") {
  const SoakCatalogue one = GenerateCatalogue(7);
  const SoakCatalogue two = GenerateCatalogue(7);
  REQUIRE(one.definitions.size() == two.definitions.size());
  for (std::size_t i = 0; i < one.definitions.size(); ++i) {
    CHECK(one.definitions[i].yaml == two.definitions[i].yaml);
    std::mt19937_64 a(i), b(i);
    CHECK(PlanRun(one.definitions[i], "w", a)[0].expected_output ==
          PlanRun(two.definitions[i], "w", b)[0].expected_output);
  }
}

TEST_CASE("the model: each block kind's arithmetic, by hand") {
  using Kind = SoakBlock::Kind;
  SoakDefinition definition{
      .name = "soak-x",
      .blocks = {{.kind = Kind::kCall, .id = "b0", .a = 1},
                 {.kind = Kind::kTimer, .id = "b1", .a = 2, .count = 10},
                 {.kind = Kind::kSignal, .id = "b2", .signal = "go_b2"},
                 {.kind = Kind::kParallel, .id = "b3", .a = 3, .b = 4},
                 {.kind = Kind::kForeach, .id = "b4", .a = 5, .count = 2, .concurrency = 2},
                 {.kind = Kind::kChild, .id = "b5", .a = 6},
                 {.kind = Kind::kTry, .id = "b6", .a = 7, .b = 8}}};
  std::mt19937_64 random(1);
  const auto plan = PlanRun(definition, "w", random);
  REQUIRE(plan.size() == 2);
  const std::int64_t n = plan[0].input["n"];
  REQUIRE(plan[0].signals.size() == 1);
  CHECK(plan[0].signals[0].first == "go_b2");
  const std::int64_t v = plan[0].signals[0].second["v"];
  const auto step = [](std::int64_t value, std::int64_t add) {
    return (value * 3 + add) % 1'000'003;
  };
  std::int64_t x = step(n, 1) + 2 + v;
  x = step(x, 3) + step(x, 4);
  x = step(x, 5) + step(x + 1, 5);
  CHECK(plan[1].workflow_id == "w/b5");
  CHECK(plan[1].input == nlohmann::json{{"n", x}, {"add", 6}});
  x = step(x, 6);
  CHECK(plan[1].expected_output == nlohmann::json{{"value", x}});
  CHECK(plan[0].expected_output == nlohmann::json{{"value", x + 7}});
  CHECK(plan[0].activities == std::vector<std::string>{"w#b0", "w#b3_a", "w#b3_b", "w#b4_item.0",
                                                       "w#b4_item.1", "w#b6_ok", "w#b6_undo"});
  CHECK(plan[1].activities == std::vector<std::string>{"w/b5#work"});
}

}  // namespace
}  // namespace weft::soak
