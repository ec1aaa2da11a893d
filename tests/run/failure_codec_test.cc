// The one JSON form of a failure: what appears, and that it reads back as it was written.
#include "runtime/run/failure_codec.h"

#include <catch2/catch.hpp>
#include <string>

namespace weft::run {
namespace {

using interpreter::Failure;
using nlohmann::json;

TEST_CASE("a failure chain round-trips through its JSON") {
  auto cause = std::make_shared<Failure>(Failure{.type = "CardDeclined",
                                                 .message = "declined",
                                                 .details = {{"card", "visa"}},
                                                 .non_retryable = true,
                                                 .source = "GoSDK"});
  Failure failure{
      .kind = Failure::Kind::kActivity,
      .type = "CardDeclined",
      .message = "activity payments.charge failed: declined",
      .cause = cause,
      .info = {{"activity_type", "payments.charge"}, {"retry_state", "NON_RETRYABLE_FAILURE"}}};
  const json written = FailureToJson(failure);
  CHECK(written["kind"] == "activity");
  CHECK(written["info"]["activity_type"] == "payments.charge");
  CHECK(written["cause"]["source"] == "GoSDK");
  CHECK(written["cause"]["non_retryable"] == true);
  CHECK_FALSE(written.contains("source"));  // only what is set appears
  CHECK_FALSE(written.contains("details"));
  CHECK(FailureToJson(FailureFromJson(written)) == written);
}

TEST_CASE("a run's failure says where it failed and what was undone, and reads back") {
  Failure failure{.type = "OutOfStock",
                  .message = "no jackets left",
                  .step = "items/ship[2]",
                  .compensations = {"compensate charge_payment", "compensate reserve"}};
  const json written = FailureToJson(failure);
  CHECK(written["step"] == "items/ship[2]");
  CHECK(written["compensations"] == json{"compensate charge_payment", "compensate reserve"});
  CHECK(FailureToJson(FailureFromJson(written)) == written);
  // An activity's or a child's failure has neither: only what is set appears.
  const json plain = FailureToJson(Failure{.type = "Boom", .message = "it broke"});
  CHECK_FALSE(plain.contains("step"));
  CHECK_FALSE(plain.contains("compensations"));
}

TEST_CASE("every kind has a name that reads back") {
  for (Failure::Kind kind :
       {Failure::Kind::kApplication, Failure::Kind::kTimeout, Failure::Kind::kCancelled,
        Failure::Kind::kTerminated, Failure::Kind::kActivity, Failure::Kind::kChildWorkflow,
        Failure::Kind::kNonDeterminism}) {
    CHECK(FailureFromJson(FailureToJson(Failure{.kind = kind})).kind == kind);
  }
}

TEST_CASE("what is not a failure object reads as an application failure, never throws") {
  CHECK(FailureFromJson("boom").message == "boom");
  CHECK(FailureFromJson(42).message == "42");
  CHECK(FailureFromJson(json{{"kind", 7}, {"cause", "x"}}).kind == Failure::Kind::kApplication);
}

TEST_CASE("a failure nested without end reads without exhausting the stack") {
  // Reproduced with tests/fuzz (journal_codec): a damaged journal row whose failure held 200,000
  // nested causes overflowed the stack. The text is parsed the way the journal parses a
  // column (nlohmann's parser does not recurse); the causes beyond 64 are left out.
  const int levels = 200000;
  std::string text;
  for (int i = 0; i < levels; ++i) text += R"({"message": "m", "cause": )";
  text += "{}" + std::string(levels, '}');
  const Failure failure = FailureFromJson(json::parse(text));
  int depth = 0;
  const Failure* deepest = &failure;
  while (deepest->cause) {
    deepest = deepest->cause.get();
    ++depth;
  }
  CHECK(depth == 64);
  CHECK_THAT(deepest->message, Catch::Contains("are left out"));
  // What is kept reads back as it was written.
  CHECK(FailureToJson(FailureFromJson(FailureToJson(failure))) == FailureToJson(failure));
}

}  // namespace
}  // namespace weft::run
