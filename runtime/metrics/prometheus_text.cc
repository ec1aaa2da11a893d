#include "runtime/metrics/prometheus_text.h"

#include <charconv>
#include <cmath>

namespace weft::metrics {
namespace {

std::string Escape(const std::string& text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="1",b="2"}`, with `extra` (le="...") last; empty when there is no label at all.
std::string Labels(const FamilyInfo& info, const std::vector<std::string>& values,
                   const std::string& extra = "") {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (out.empty() ? "" : ",") + info.label_names[i] + "=\"" + Escape(values[i], true) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? out : "{" + out + "}";
}

}  // namespace

std::string FormatPrometheusNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  // Shortest form that reads back exactly; whole numbers without a fraction or an exponent up
  // to 1e15, as the Rust and Go clients write them.
  const auto [end, error] =
      std::abs(value) < 1e15 && value == std::floor(value)
          ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 0)
          : std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : "NaN";
}

std::string WritePrometheusText(const std::vector<FamilySnapshot>& families) {
  std::string out;
  for (const FamilySnapshot& family : families) {
    if (family.series.empty()) continue;
    const FamilyInfo& info = family.info;
    out += "# HELP " + info.name + " " + Escape(info.help, false) + "\n";
    out += "# TYPE " + info.name + " " + MetricTypeName(info.type) + "\n";
    for (const SeriesSnapshot& series : family.series) {
      if (info.type != MetricType::kHistogram) {
        out += info.name + Labels(info, series.label_values) + " " +
               FormatPrometheusNumber(series.value) + "\n";
        continue;
      }
      const Histogram::Counts& counts = series.histogram;
      for (std::size_t i = 0; i < info.bounds.size(); ++i) {
        out += info.name + "_bucket" +
               Labels(info, series.label_values,
                      "le=\"" + FormatPrometheusNumber(info.bounds[i]) + "\"") +
               " " + std::to_string(counts.cumulative[i]) + "\n";
      }
      out += info.name + "_bucket" + Labels(info, series.label_values, "le=\"+Inf\"") + " " +
             std::to_string(counts.count) + "\n";
      out += info.name + "_sum" + Labels(info, series.label_values) + " " +
             FormatPrometheusNumber(counts.sum) + "\n";
      out += info.name + "_count" + Labels(info, series.label_values) + " " +
             std::to_string(counts.count) + "\n";
    }
  }
  return out;
}

}  // namespace weft::metrics
