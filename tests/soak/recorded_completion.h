// RecordedCompletion: an activity completion as an engine recorded it (the embedded journal, or
// a Temporal history), named by the activity id and execution token soak.step put in its
// result (soak_step.h). Both engines give a run's record in the same shape, a list of
// activations with their jobs (runtime/embedded/journal_codec.h,
// runtime/temporal/history_activations.h), so one function reads both. Pure.
#ifndef WEFT_TESTS_SOAK_RECORDED_COMPLETION_H_
#define WEFT_TESTS_SOAK_RECORDED_COMPLETION_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace weft::soak {

struct RecordedCompletion {
  std::string activity;
  std::string token;
};

// The completed `resolve_activity` jobs of `activations` ([{"jobs": [...]}, ...]) whose result
// carries a soak.step token.
std::vector<RecordedCompletion> RecordedCompletions(const nlohmann::json& activations);

}  // namespace weft::soak

#endif  // WEFT_TESTS_SOAK_RECORDED_COMPLETION_H_
