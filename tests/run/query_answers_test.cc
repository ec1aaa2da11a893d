// One query path: each query gets the interpreter's answer, or the one QueryNotAnswered
// failure; a scripted interpreter stands in for a run.
#include "runtime/run/query_answers.h"

#include <catch2/catch.hpp>

#include "runtime/run/run_seed.h"

namespace weft::run {
namespace {

namespace ij = interpreter;

TEST_CASE("queries are answered in one activation that holds only them") {
  int activations = 0;
  Interpret script = [&](const ij::Activation& activation) {
    ++activations;
    CHECK(activation.now_unix_ms == 77);
    CHECK_FALSE(activation.is_replaying);
    REQUIRE(activation.jobs.size() == 2);
    return std::vector<ij::Command>{ij::RespondToQuery{.id = "a", .result = 1}};
  };
  auto answers = AnswerQueries(script, 77,
                               {ij::QueryWorkflow{.id = "a", .name = "count"},
                                ij::QueryWorkflow{.id = "b", .name = "missing"}});
  CHECK(activations == 1);
  REQUIRE(answers.size() == 2);
  CHECK(answers[0].result == 1);
  CHECK_FALSE(answers[0].failure);
  REQUIRE(answers[1].failure);
  CHECK(answers[1].failure->type == kQueryNotAnswered);
  CHECK_THAT(answers[1].failure->message, Catch::Contains("missing"));
  CHECK(AnswerQueries(script, 77, {}).empty());
  CHECK(activations == 1);
}

TEST_CASE("the seed rule is one function of the chain's first run id") {
  CHECK(RunSeed("run-1") == RunSeed("run-1"));
  CHECK(RunSeed("run-1") != RunSeed("run-2"));
  CHECK(RunSeed("") == 14695981039346656037ULL);  // FNV-1a's offset basis: nothing hashed
}

}  // namespace
}  // namespace weft::run
