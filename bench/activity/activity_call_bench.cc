// The cost of calling an activity through the registry, without I/O: what every activity
// execution pays on top of its own work. A C++ activity (target: <= 200 ns) and a Lua activity
// including the JSON <-> Lua conversion of a small object (target: <= 2 us).

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>

#include "runtime/activity/activity_context.h"
#include "runtime/activity/activity_registry.h"
#include "runtime/lua/lua_activities.h"

namespace {

using weft::activity::ActivityRegistry;
using weft::activity::LocalActivityContext;

void BM_CppActivity(benchmark::State& state) {
  ActivityRegistry registry;
  (void)registry.Register(
      {.name = "bench.sum",
       .function = [](const nlohmann::json& input, weft::activity::ActivityContext&)
           -> weft::activity::ActivityResult { return input["a"].get<std::int64_t>() + 1; }});
  LocalActivityContext context;
  nlohmann::json input = {{"a", 1}, {"b", "x"}};
  for (auto _ : state) {
    auto result = registry.Execute("bench.sum", input, context);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_CppActivity);

std::filesystem::path LuaDir() {
  auto dir = std::filesystem::temp_directory_path() / "weft-bench-lua";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "bench.lua", std::ios::trunc)
      << "return { sum = function(input) return {sum = input.a + #input.b} end }\n";
  return dir;
}

void LuaActivity(benchmark::State& state, std::chrono::milliseconds reload_check) {
  ActivityRegistry registry;
  auto lua = weft::lua::LuaActivities::Create(
      {.module_dir = LuaDir(), .reload_check_interval = reload_check});
  if (!lua->RegisterAll(registry)) state.SkipWithError("cannot register bench.lua");
  LocalActivityContext context;
  nlohmann::json input = {{"a", 1}, {"b", "x"}};
  for (auto _ : state) {
    auto result = registry.Execute("bench.sum", input, context);
    benchmark::DoNotOptimize(result);
  }
  if (auto result = registry.Execute("bench.sum", input, context);
      !result || *result != nlohmann::json{{"sum", 2}}) {
    state.SkipWithError("wrong result");
  }
}

// The default options: a module's file is checked for changes at most once a second.
void BM_LuaActivity(benchmark::State& state) { LuaActivity(state, std::chrono::seconds(1)); }
BENCHMARK(BM_LuaActivity);

// reload_check_interval 0: one stat() of the module's file on every call.
void BM_LuaActivityCheckFileEveryCall(benchmark::State& state) {
  LuaActivity(state, std::chrono::milliseconds(0));
}
BENCHMARK(BM_LuaActivityCheckFileEveryCall);

// An inline chunk (`call: {lua: ...}`): compiled once, but a fresh environment on every run.
void BM_LuaInline(benchmark::State& state) {
  ActivityRegistry registry;
  auto lua = weft::lua::LuaActivities::Create({});
  if (!lua->RegisterAll(registry)) state.SkipWithError("cannot register lua.inline");
  LocalActivityContext context;
  nlohmann::json input = {{"a", 1}, {"b", "x"}};
  for (auto _ : state) {
    auto result = lua->RunSource("return {sum = input.a + #input.b}", "bench", input, context);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_LuaInline);

}  // namespace

BENCHMARK_MAIN();
