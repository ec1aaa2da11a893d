// The activity contract: a registry runs activities by name; errors are typed values that
// survive a round trip as JSON (what `catch` sees and what a journal stores).

#include "runtime/activity/activity_registry.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <utility>

#include "runtime/activity/activity_context.h"

using weft::activity::ActivityDefinition;
using weft::activity::ActivityError;
using weft::activity::ActivityRegistry;
using weft::activity::ErrorCategory;
using weft::activity::LocalActivityContext;

namespace {

ActivityDefinition Adder() {
  return {
      .name = "math.add",
      .description = "Adds a and b",
      .input_schema = nlohmann::json{{"type", "object"}},
      .function = [](const nlohmann::json& input,
                     weft::activity::ActivityContext& context) -> weft::activity::ActivityResult {
        if (!input.contains("a")) return std::unexpected(ActivityError::InvalidInput("no a"));
        context.Heartbeat({{"step", 1}});
        return nlohmann::json{{"sum", input["a"].get<int>() + input["b"].get<int>()}};
      }};
}

}  // namespace

TEST_CASE("a registered activity runs by name with its input and context") {
  ActivityRegistry registry;
  REQUIRE(registry.Register(Adder()));
  LocalActivityContext context;
  auto result = registry.Execute("math.add", {{"a", 2}, {"b", 3}}, context);
  REQUIRE(result);
  CHECK(*result == nlohmann::json{{"sum", 5}});
  CHECK(context.HeartbeatCount() == 1);
  CHECK(context.LastHeartbeat() == nlohmann::json{{"step", 1}});
  CHECK(registry.Names() == std::set<std::string>{"math.add"});
  CHECK(registry.Find("math.add")->description == "Adds a and b");
}

TEST_CASE("an activity's typed error reaches the caller unchanged") {
  ActivityRegistry registry;
  REQUIRE(registry.Register(Adder()));
  LocalActivityContext context;
  auto result = registry.Execute("math.add", {{"b", 3}}, context);
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "InvalidInput");
  CHECK(result.error().non_retryable);
}

TEST_CASE("an unknown activity is a non-retryable ActivityNotFound") {
  ActivityRegistry registry;
  LocalActivityContext context;
  auto result = registry.Execute("nope.nothing", {}, context);
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "ActivityNotFound");
  CHECK(result.error().non_retryable);
}

TEST_CASE("duplicate and malformed names are refused") {
  ActivityRegistry registry;
  REQUIRE(registry.Register(Adder()));
  auto again = registry.Register(Adder());
  REQUIRE_FALSE(again);
  CHECK(again.error().type == "DuplicateActivity");
  auto bad = Adder();
  bad.name = "has space";
  CHECK_FALSE(registry.Register(bad));
  bad.name = "trailing.";
  CHECK_FALSE(registry.Register(bad));
}

TEST_CASE("an exception escaping an activity becomes an InternalError") {
  ActivityRegistry registry;
  REQUIRE(registry.Register(
      {.name = "bad.throws",
       .function = [](const nlohmann::json&, auto&) -> weft::activity::ActivityResult {
         throw std::runtime_error("x");
       }}));
  LocalActivityContext context;
  auto result = registry.Execute("bad.throws", {}, context);
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "InternalError");
  CHECK_FALSE(result.error().non_retryable);
}

TEST_CASE("an error round-trips through JSON with every Temporal field") {
  ActivityError error = ActivityError::Retryable("HttpError", "HTTP 429", {{"status", 429}});
  error.next_retry_delay = std::chrono::milliseconds(1500);
  auto json = error.ToJson();
  CHECK(json["type"] == "HttpError");
  CHECK(json["next_retry_delay_ms"] == 1500);
  CHECK(json["category"] == "application");
  ActivityError back = ActivityError::FromJson(json);
  CHECK(back.type == "HttpError");
  CHECK(back.message == "HTTP 429");
  CHECK(back.details["status"] == 429);
  CHECK(back.next_retry_delay == std::chrono::milliseconds(1500));
  CHECK_FALSE(back.non_retryable);
  CHECK(ActivityError::FromJson(ActivityError::Cancelled().ToJson()).category ==
        ErrorCategory::kCancelled);
  CHECK(ActivityError::FromJson(ActivityError::Timeout("late").ToJson()).category ==
        ErrorCategory::kTimeout);
}

TEST_CASE("cancellation wakes an activity waiting on its context") {
  LocalActivityContext context;
  CHECK_FALSE(context.WaitForCancel(std::chrono::milliseconds(1)));
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    context.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  CHECK(context.WaitForCancel(std::chrono::seconds(10)));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  canceller.join();
}

TEST_CASE(
    "an error an activity raises is kept within bounds: long text cut, huge delays saturated") {
  const std::string huge(1024 * 1024, 'x');
  ActivityError error =
      ActivityError::FromJson({{"type", huge}, {"message", huge}, {"next_retry_delay_ms", 1e300}});
  CHECK(error.type.size() < ActivityError::kMaxTypeBytes + 64);
  CHECK(error.type.ends_with("more bytes cut)"));
  CHECK(error.message.size() < ActivityError::kMaxMessageBytes + 64);
  CHECK(error.next_retry_delay == std::chrono::milliseconds::max());
  // Never cut inside a UTF-8 sequence: "é" is two bytes.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";
  ActivityError accented = ActivityError::FromJson({{"type", accents}});
  CHECK(nlohmann::json(accented.type).dump().size() > 0);
  CHECK(accented.type.starts_with(accents.substr(0, 256)));
}

TEST_CASE("a result that is not JSON is a non-retryable InvalidResult naming the value") {
  ActivityRegistry registry;
  auto returning = [](std::string name, nlohmann::json value) {
    return ActivityDefinition{
        .name = std::move(name),
        .function = [value](const nlohmann::json&, weft::activity::ActivityContext&)
            -> weft::activity::ActivityResult { return value; }};
  };
  REQUIRE(registry.Register(returning("bad.bytes", {{"name", {"ok", "\xff\xfe"}}})));
  REQUIRE(registry.Register(returning("bad.nan", {{"ratio", std::nan("")}})));
  REQUIRE(registry.Register(returning("bad.key", {{"\xc3", 1}})));
  REQUIRE(registry.Register(returning("good", {{"name", "é"}, {"ratio", 0.5}})));
  LocalActivityContext context;
  for (const auto& [name, where] :
       {std::pair{"bad.bytes", "'/name/1' is a string that is not UTF-8"},
        std::pair{"bad.nan", "'/ratio' is a number that is not finite"},
        std::pair{"bad.key", "'/?' has a key that is not UTF-8"}}) {
    auto result = registry.Execute(name, {}, context);
    INFO(name);
    REQUIRE_FALSE(result);
    CHECK(result.error().type == "InvalidResult");
    CHECK(result.error().non_retryable);
    CHECK_THAT(result.error().message, Catch::Contains(where));
    CHECK_NOTHROW(result.error().ToJson().dump());
  }
  CHECK(registry.Execute("good", {}, context));
}

TEST_CASE("an error's text is repaired and details that are not JSON are dropped, with a note") {
  ActivityRegistry registry;
  REQUIRE(registry.Register({.name = "bad.error",
                             .function = [](const nlohmann::json&, weft::activity::ActivityContext&)
                                 -> weft::activity::ActivityResult {
                               return std::unexpected(ActivityError::Retryable(
                                   "Type\xff", "message \xfe!", {{"why", std::nan("")}}));
                             }}));
  LocalActivityContext context;
  auto result = registry.Execute("bad.error", {}, context);
  REQUIRE_FALSE(result);
  CHECK(result.error().type == "Type\xEF\xBF\xBD");
  CHECK_THAT(result.error().message,
             Catch::StartsWith("message \xEF\xBF\xBD!") &&
                 Catch::Contains("its details were dropped: the value at '/why' is a number"));
  CHECK(result.error().details.is_null());
  CHECK_FALSE(result.error().non_retryable);
  CHECK_NOTHROW(result.error().ToJson().dump());
}
