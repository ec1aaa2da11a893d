// RunText: runs as a person reads them (and, for a listing, as a machine does: RunSummaryJson,
// RunListJson). RunListText() is the table of `weft list` (run id, workflow id, name, status,
// start time in UTC); OutcomeText() says how a run that did not complete ended, in one line
// (`weft run`, `weft result`); RunDescriptionText() is `weft show`: a run's
// identity, status and times, its history of activations (the jobs that woke it and the
// commands it answered with, one line each), what it waits on, and its result or failure. Both
// read the client's one shape (workflow_client.h), so they print a run of either engine; the
// sections an engine does not report (Temporal has no activations) are left out.
//
// Pure functions; any thread may call them.
#ifndef WEFT_RUNTIME_CLIENT_RUN_TEXT_H_
#define WEFT_RUNTIME_CLIENT_RUN_TEXT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/client/workflow_client.h"

namespace weft::client {

std::string RunListText(const std::vector<RunSummary>& runs);

// One run of a listing as JSON, for machines (MCP's list_runs, the web UI's runs page):
// {workflow_id, run_id, workflow, status, created_ms, closed_ms?}.
nlohmann::json RunSummaryJson(const RunSummary& run);

// `weft list --json`: every run's details (RunSummary::details), newest first as listed.
nlohmann::json RunListJson(const std::vector<RunSummary>& runs);

// "run <run id> (<workflow id>) <status>", and ": <the failure's message>" when it has one.
std::string OutcomeText(const Outcome& outcome);

// `details`: RunSummary::details of Describe().
std::string RunDescriptionText(const nlohmann::json& details);

// "2026-01-01 00:00:00" (UTC), or "-" for 0.
std::string UtcTimestamp(std::int64_t ms);

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_RUN_TEXT_H_
