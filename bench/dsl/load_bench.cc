// Loading and checking a definition: the whole loader (YAML, shape, references, defaults, every
// expression compiled and checked, canonical form and SHA-256) on a 216-line definition with
// every step kind and about sixty expressions. Target (issue 3): at most 5 ms.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "dsl/loader.h"
#include "dsl/yaml_reader.h"

namespace {

std::string ReadDefinition() {
  std::ifstream in(WEFT_SOURCE_DIR "/bench/dsl/fulfilment-200-lines.yaml");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void BM_LoadDefinition200Lines(benchmark::State& state) {
  const std::string text = ReadDefinition();
  if (!weft::dsl::LoadDefinition(text)) {
    state.SkipWithError("the benchmark definition does not load");
    return;
  }
  for (auto _ : state) {
    auto definition = weft::dsl::LoadDefinition(text);
    benchmark::DoNotOptimize(definition);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_LoadDefinition200Lines)->Unit(benchmark::kMicrosecond);

// The YAML stage alone, to see what the rest of the loader costs.
void BM_ReadYaml200Lines(benchmark::State& state) {
  const std::string text = ReadDefinition();
  for (auto _ : state) {
    auto read = weft::dsl::ReadYaml(text, "bench.yaml");
    benchmark::DoNotOptimize(read);
  }
}
BENCHMARK(BM_ReadYaml200Lines)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
