// Prometheus's text exposition format (version 0.0.4), written from a registry's snapshot: what
// a Prometheus server, the OpenTelemetry collector's Prometheus receiver or curl read at
// /metrics. Per family, `# HELP` and `# TYPE`, then its samples; a histogram as cumulative
// `_bucket{le="..."}` samples ending with le="+Inf", then `_sum` and `_count`. Families without
// a series yet are left out, as the Prometheus client libraries do.
//
// Label values and help texts are escaped as the format asks (backslash, double quote in label
// values, newline). Numbers are written in their shortest exact form ("100", "0.1"), and
// +Inf, -Inf and NaN by their names.
#ifndef WEFT_RUNTIME_METRICS_PROMETHEUS_TEXT_H_
#define WEFT_RUNTIME_METRICS_PROMETHEUS_TEXT_H_

#include <string>
#include <vector>

#include "runtime/metrics/metrics_registry.h"

namespace weft::metrics {

// The Content-Type of the format, for the endpoint's answer.
inline constexpr char kPrometheusTextContentType[] = "text/plain; version=0.0.4; charset=utf-8";

std::string WritePrometheusText(const std::vector<FamilySnapshot>& families);

// A sample value or a bucket bound as the format writes it.
std::string FormatPrometheusNumber(double value);

}  // namespace weft::metrics

#endif  // WEFT_RUNTIME_METRICS_PROMETHEUS_TEXT_H_
