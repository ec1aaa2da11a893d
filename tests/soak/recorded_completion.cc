#include "tests/soak/recorded_completion.h"

namespace weft::soak {

std::vector<RecordedCompletion> RecordedCompletions(const nlohmann::json& activations) {
  std::vector<RecordedCompletion> found;
  for (const auto& activation : activations) {
    if (!activation.contains("jobs")) continue;
    for (const auto& job : activation["jobs"]) {
      if (job.value("job", "") != "resolve_activity" || job.value("status", "") != "completed") {
        continue;
      }
      const auto result = job.find("result");
      if (result == job.end() || !result->is_object() || !result->contains("token")) continue;
      found.push_back({.activity = result->value("id", ""), .token = result->value("token", "")});
    }
  }
  return found;
}

}  // namespace weft::soak
