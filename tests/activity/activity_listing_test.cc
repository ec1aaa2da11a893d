// The activity listing of `weft activities`: the JSON an agent reads (origin and input schema
// only when there are any) and the table a person reads, aligned on the longest name.
#include "runtime/activity/activity_listing.h"

#include <catch2/catch.hpp>

namespace {

using nlohmann::json;
using weft::activity::ActivityContext;
using weft::activity::ActivityRegistry;
using weft::activity::ActivityResult;
using weft::activity::ActivitySource;

ActivityResult Nothing(const json&, ActivityContext&) { return json(); }

void Fill(ActivityRegistry& registry) {
  REQUIRE(registry.Register({.name = "log", .description = "Logs", .function = Nothing}));
  REQUIRE(registry.Register({.name = "text.slug",
                             .description = "Slugs",
                             .input_schema = json{{"type", "string"}},
                             .source = ActivitySource::kLua,
                             .origin = "activities/text.lua",
                             .function = Nothing}));
}

}  // namespace

TEST_CASE("the JSON names each activity, its source, and its origin and schema when it has them") {
  ActivityRegistry registry;
  Fill(registry);
  const json list = weft::activity::ActivityListingJson(registry);
  REQUIRE(list.size() == 2);
  CHECK(list[0] == json{{"name", "log"}, {"description", "Logs"}, {"source", "builtin"}});
  CHECK(list[1]["source"] == "lua");
  CHECK(list[1]["origin"] == "activities/text.lua");
  CHECK(list[1]["input_schema"] == json{{"type", "string"}});
}

TEST_CASE("the table lines up names, sources and descriptions") {
  ActivityRegistry registry;
  Fill(registry);
  CHECK(weft::activity::ActivityListingText(registry) ==
        "log        builtin  Logs\n"
        "text.slug  lua      Slugs\n"
        "           input: {\"type\":\"string\"}\n");
  CHECK(weft::activity::ActivitySourceName(ActivitySource::kPlugin) == "plugin");
}
