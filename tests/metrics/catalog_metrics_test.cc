// CatalogMetrics on a real folder: a first scan loads without counting reloads, a changed file
// is a reload, a file that stops loading is a load failure counted once until it changes again.

#include "runtime/metrics/catalog_metrics.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

using weft::dsl::DefinitionCatalog;
using weft::metrics::CatalogMetrics;
using weft::metrics::MetricsRegistry;

namespace {

void Write(const std::filesystem::path& path, const std::string& text) {
  // A later modification time than the last write, so that the rescan sees the change.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ofstream(path) << text;
}

std::string Hello(const std::string& message) {
  return "dsl: 1\nname: hello\nsteps:\n  - id: greet\n    return: " + message + "\n";
}

double Value(const MetricsRegistry& registry, const std::string& name) {
  for (const auto& family : registry.Snapshot()) {
    if (family.info.name == name) return family.series.at(0).value;
  }
  FAIL("no metric " << name);
  return -1;
}

}  // namespace

TEST_CASE("Scans of a workflows folder are counted as loads, reloads and load failures") {
  const auto folder =
      std::filesystem::temp_directory_path() / ("weft-catalog-metrics-" + std::to_string(getpid()));
  std::filesystem::create_directories(folder);
  struct Cleanup {
    std::filesystem::path path;
    ~Cleanup() { std::filesystem::remove_all(path); }
  } cleanup{folder};

  MetricsRegistry registry;
  CatalogMetrics metrics(registry);
  DefinitionCatalog catalog(folder);
  auto scan = [&](bool first) {
    const auto result = catalog.Rescan();  // before List(): arguments have no order
    metrics.RecordScan(result, catalog.List().size(), first);
  };

  Write(folder / "hello.yaml", Hello("hi"));
  Write(folder / "bye.yaml", "dsl: 1\nname: bye\nsteps:\n  - id: wave\n    return: bye\n");
  scan(/*first=*/true);
  CHECK(Value(registry, "weft_definitions_loaded") == 2);
  CHECK(Value(registry, "weft_definition_reloads_total") == 0);
  CHECK(Value(registry, "weft_definition_load_failures_total") == 0);

  Write(folder / "hello.yaml", Hello("hello again"));
  scan(false);
  CHECK(Value(registry, "weft_definition_reloads_total") == 1);

  Write(folder / "bye.yaml", "dsl: 1\nname: bye\nsteps: [oops\n");
  scan(false);
  scan(false);  // unchanged: not read again, not counted again
  CHECK(Value(registry, "weft_definition_load_failures_total") == 1);
  CHECK(Value(registry, "weft_definitions_loaded") == 2);  // its last good version still served

  std::filesystem::remove(folder / "bye.yaml");
  scan(false);
  CHECK(Value(registry, "weft_definitions_loaded") == 1);
  CHECK(Value(registry, "weft_definition_reloads_total") == 2);
}
