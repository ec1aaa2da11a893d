// Quantile: the nearest-rank quantile of sorted samples, as the latency figures of
// bench/RESULTS.md are given.
#ifndef WEFT_BENCH_EMBEDDED_QUANTILE_H_
#define WEFT_BENCH_EMBEDDED_QUANTILE_H_

#include <algorithm>
#include <cmath>
#include <vector>

namespace weft::bench {

// `sorted` must not be empty.
inline double Quantile(const std::vector<double>& sorted, double q) {
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1];
}

}  // namespace weft::bench

#endif  // WEFT_BENCH_EMBEDDED_QUANTILE_H_
