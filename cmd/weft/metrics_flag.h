// `--metrics-address` of the long-running commands (`weft worker`, `weft serve`): the flag, and
// the operations endpoint it starts (runtime/metrics/metrics_endpoint.h), logged where it
// listens.
//
// Plain data filled in by CLI11, one per command; Start() is called once, on the main thread,
// before the command's engine starts, so that a taken port fails at once.
#ifndef WEFT_CMD_WEFT_METRICS_FLAG_H_
#define WEFT_CMD_WEFT_METRICS_FLAG_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "runtime/http/http_server.h"
#include "runtime/metrics/metrics_endpoint.h"
#include "runtime/metrics/metrics_registry.h"

namespace weft::cli {

struct MetricsFlag {
  std::string address;  // empty: no endpoint

  void Add(CLI::App& command);
  // The endpoint, or null without the flag. A failure to listen prints "weft <command>: ..."
  // naming the flag and exits 1.
  std::unique_ptr<http::HttpServer> Start(const std::string& command,
                                          std::shared_ptr<const metrics::MetricsRegistry> registry,
                                          metrics::ReadinessCheck ready) const;
};

}  // namespace weft::cli

#endif  // WEFT_CMD_WEFT_METRICS_FLAG_H_
