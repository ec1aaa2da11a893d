// CatalogMetrics: weft's own metrics of the workflows folder a long-running process serves
// (dsl/definition_catalog.h), whichever engine serves it:
//
//   weft_definitions_loaded              gauge    definitions served now (every version)
//   weft_definition_reloads_total        counter  definitions added, changed or removed by a
//                                                 rescan after the first scan
//   weft_definition_load_failures_total  counter  reads of a file that did not load (a file is
//                                                 read again only when it changes)
//
// Thread-safe, as the registry is.
#ifndef WEFT_RUNTIME_METRICS_CATALOG_METRICS_H_
#define WEFT_RUNTIME_METRICS_CATALOG_METRICS_H_

#include <cstddef>

#include "dsl/definition_catalog.h"
#include "runtime/metrics/metrics_registry.h"

namespace weft::metrics {

class CatalogMetrics {
 public:
  // Registers the metrics in `registry`, which must outlive this object.
  explicit CatalogMetrics(MetricsRegistry& registry);

  // After a scan that left `served` definitions served; `first` for the scan at start, whose
  // loads are not reloads. Logs what changed too ("serving workflow x", and each diagnostic of
  // a file that does not load), so that the log and the metrics of a process tell one story.
  void RecordScan(const dsl::DefinitionCatalog::ScanResult& scan, std::size_t served, bool first);

 private:
  Gauge& loaded_;
  Counter& reloads_;
  Counter& load_failures_;
};

}  // namespace weft::metrics

#endif  // WEFT_RUNTIME_METRICS_CATALOG_METRICS_H_
