// ActivityListing: a registry's activities as `weft activities` prints them and the MCP tool
// list_activities returns them: as JSON (the contract of both: name, description, source,
// origin when there is one, input_schema when declared) or as an aligned table, one activity a
// line with its input schema under it.
//
// Pure functions over a registry that is no longer registered to; any thread may call them.
#ifndef WEFT_RUNTIME_ACTIVITY_ACTIVITY_LISTING_H_
#define WEFT_RUNTIME_ACTIVITY_ACTIVITY_LISTING_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "runtime/activity/activity_registry.h"

namespace weft::activity {

// "builtin", "plugin" or "lua".
std::string_view ActivitySourceName(ActivitySource source);

nlohmann::json ActivityListingJson(const ActivityRegistry& registry);
std::string ActivityListingText(const ActivityRegistry& registry);

}  // namespace weft::activity

#endif  // WEFT_RUNTIME_ACTIVITY_ACTIVITY_LISTING_H_
