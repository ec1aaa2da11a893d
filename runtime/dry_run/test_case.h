// The test files of `weft test` (*.test.yaml; docs/agents.md, "Test cases"): which workflow,
// and for each case its input, the mocked results of its steps, the signals, updates and
// queries to send and when, and what must come out. Read with the language's own YAML reader,
// so that a mistake in a test file is reported like one in a definition: file:line:col, the
// JSON path, and "did you mean" for a misspelt key.
//
// Plain values; ParseTestFile is stateless and thread-safe.
#ifndef WEFT_RUNTIME_DRY_RUN_TEST_CASE_H_
#define WEFT_RUNTIME_DRY_RUN_TEST_CASE_H_

#include <cstdint>
#include <expected>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/diagnostic.h"
#include "dsl/duration.h"

namespace weft::dry_run {

// What one attempt of a step's activity returns: its result, or the error it raises. An error
// is retryable unless it says otherwise, as an activity's is; the step's retry policy then
// decides, on virtual time, whether another attempt follows (runtime/run/activity_retry.h).
struct Mock {
  std::optional<nlohmann::json> result;  // set, or else `error_*` describes the failure
  std::string error_type;
  std::string error_message;
  nlohmann::json error_details;
  bool non_retryable = false;
};

// The mocks of one step (or activity): one per attempt, in order; the last one repeats.
struct MockSequence {
  std::vector<Mock> calls;
};

// Something sent to the run: a signal, an update or a query, once its trigger holds.
struct ScriptedEvent {
  enum class Kind { kSignal, kUpdate, kQuery };
  Kind kind = Kind::kSignal;
  std::string name;
  nlohmann::json input;
  // When: after this step's activity has completed; or at this much virtual time after the
  // start; neither: as soon as the run waits with nothing else to do.
  std::optional<std::string> after_step;
  std::optional<dsl::Duration> at;
  // Updates and queries: the expected answer ({"result": v} or {"rejected": true}, or for an
  // update {"error": {"type": ...}}); null when not checked.
  nlohmann::json expect;
  int line = 0;
};

struct Expectation {
  std::optional<nlohmann::json> output;           // completed with exactly this
  std::optional<std::string> error_type;          // failed with an error of this type
  std::optional<std::string> error_message;       // ... whose message contains this
  std::optional<nlohmann::json> continue_as_new;  // continued as new with exactly this input
  std::optional<std::vector<std::string>> steps;  // the call steps, in scheduling order
  // The attempts each step's activity made (over all its calls), by step id.
  std::map<std::string, std::int32_t> attempts;
  std::optional<dsl::Duration> virtual_time;  // how far the virtual clock moved, exactly
};

struct TestCase {
  std::string name;
  int line = 0;
  nlohmann::json input = nlohmann::json::object();
  // By step id ("charge"), a compensation by "<step id>.compensate", or by activity name
  // ("payments.charge") for every step that calls it.
  std::map<std::string, MockSequence> mocks;
  std::vector<ScriptedEvent> events;
  Expectation expect;
};

struct TestFile {
  std::string file;
  std::string workflow;  // a path relative to the test file's folder, or a workflow name
  int workflow_line = 0;
  std::vector<TestCase> cases;
};

std::expected<TestFile, std::vector<dsl::Diagnostic>> ParseTestFile(std::string_view text,
                                                                    std::string_view file);

}  // namespace weft::dry_run

#endif  // WEFT_RUNTIME_DRY_RUN_TEST_CASE_H_
