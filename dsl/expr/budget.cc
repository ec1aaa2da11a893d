#include "dsl/expr/budget.h"

#include <vector>

namespace weft::dsl::expr {

std::size_t Budget::ApproxBytes(const nlohmann::json& value) {
  constexpr std::size_t kNode = 16;
  // Scalars, the common case, need no walk.
  if (value.is_string()) return kNode + value.get_ref<const std::string&>().size();
  if (!value.is_structured()) return kNode;
  std::size_t total = 0;
  std::vector<const nlohmann::json*> pending = {&value};
  while (!pending.empty()) {
    const nlohmann::json* j = pending.back();
    pending.pop_back();
    total += kNode;
    if (j->is_string()) {
      total += j->get_ref<const std::string&>().size();
    } else if (j->is_array()) {
      for (const auto& item : *j) pending.push_back(&item);
    } else if (j->is_object()) {
      for (const auto& [key, item] : j->items()) {
        total += kNode + key.size();
        pending.push_back(&item);
      }
    }
  }
  return total;
}

}  // namespace weft::dsl::expr
