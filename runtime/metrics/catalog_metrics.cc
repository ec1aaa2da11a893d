#include "runtime/metrics/catalog_metrics.h"

#include <spdlog/spdlog.h>

namespace weft::metrics {

CatalogMetrics::CatalogMetrics(MetricsRegistry& registry)
    : loaded_(
          registry.AddGauge("weft_definitions_loaded", "Workflow definitions served now").With({})),
      reloads_(registry
                   .AddCounter("weft_definition_reloads_total",
                               "Definitions added, changed or removed by a rescan of the "
                               "workflows folder")
                   .With({})),
      load_failures_(registry
                         .AddCounter("weft_definition_load_failures_total",
                                     "Reads of a workflow file that did not load")
                         .With({})) {}

void CatalogMetrics::RecordScan(const dsl::DefinitionCatalog::ScanResult& scan, std::size_t served,
                                bool first) {
  loaded_.Set(static_cast<double>(served));
  if (!first) reloads_.Increment(scan.changed.size() + scan.removed.size());
  load_failures_.Increment(scan.invalid.size());
  for (const auto& name : scan.changed) spdlog::info("serving workflow {}", name);
  for (const auto& name : scan.removed) spdlog::info("no longer serving workflow {}", name);
  for (const auto& [path, diagnostics] : scan.invalid) {
    for (const auto& diagnostic : diagnostics) {
      spdlog::warn("{}", dsl::FormatDiagnostic(diagnostic));
    }
  }
}

}  // namespace weft::metrics
