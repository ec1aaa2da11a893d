// The check `weft worker` makes at start, beside the server and namespace check: whether the
// namespace has every custom search attribute that a served definition sets
// (`search_attributes:`). A missing one makes every workflow task of such a run fail with
// BadSearchAttributes, over and over, which a user sees only in the run's history; the worker
// says it once, at start, with the command that registers it. It warns and goes on: the
// attribute may be created while the worker runs, and the other definitions are not affected.
//
// The namespace's attributes come from OperatorService.ListSearchAttributes, as
// `temporal operator search-attribute list` reads them. A server that does not let this
// worker list them (Temporal Cloud without the permission) is not checked.
#ifndef WEFT_RUNTIME_TEMPORAL_SEARCH_ATTRIBUTE_CHECK_H_
#define WEFT_RUNTIME_TEMPORAL_SEARCH_ATTRIBUTE_CHECK_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dsl/definition.h"

namespace weft::temporal {

class GrpcConnection;

// A search attribute some definitions set that the namespace does not have.
struct MissingSearchAttribute {
  std::string name;
  std::vector<std::string> workflows;  // the definitions that set it, by name
};

// The attributes of `definitions` not in `known`, sorted by name.
std::vector<MissingSearchAttribute> MissingSearchAttributes(
    const std::set<std::string>& known,
    const std::vector<std::shared_ptr<const dsl::Definition>>& definitions);

// The one line that tells a user about `missing` in `namespace_name`, with the commands that fix
// it; empty when nothing is missing.
std::string MissingSearchAttributesWarning(const std::vector<MissingSearchAttribute>& missing,
                                           const std::string& namespace_name);

// Lists the namespace's search attributes (custom and system) and logs the warning above when
// `definitions` set one it lacks. Returns what was missing; nullopt when the server would not
// list them.
std::optional<std::vector<MissingSearchAttribute>> WarnAboutMissingSearchAttributes(
    const GrpcConnection& connection,
    const std::vector<std::shared_ptr<const dsl::Definition>>& definitions);

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_SEARCH_ATTRIBUTE_CHECK_H_
