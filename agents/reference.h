// Reference: what `weft mcp` offers an agent to read before it writes a workflow, with no access
// to the repository: the agent guide, the language, the expressions, activities (the Lua
// contract, typed and non-retryable errors, the `weft` Lua API), the dry-run test format, the
// JSON Schemas of definitions and of test files, and the shipped workflows with their tests and
// Lua activities. Each is an MCP resource (weft://docs/language, ...) and a topic of the
// get_reference tool, for clients that ignore resources; the texts are the repository's own
// files (reference_files.h).
//
// Static data: any thread.
#ifndef WEFT_AGENTS_REFERENCE_H_
#define WEFT_AGENTS_REFERENCE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/mcp_server.h"

namespace weft::agents {

struct ReferenceEntry {
  std::string topic;  // get_reference's name for it: "language", "workflows/hello.yaml"
  std::string uri;    // the resource: "weft://docs/language"
  std::string title;
  std::string description;
  std::string mime_type;
  std::string_view text;
  bool example = false;  // a shipped workflow, test or activity rather than a reference page
};

// The reference pages first, then the examples by path.
const std::vector<ReferenceEntry>& ReferenceEntries();

// By topic or by URI; null when there is none.
const ReferenceEntry* FindReference(std::string_view topic_or_uri);

// The get_reference tool's text for `topic`: the entry's text; for "examples", the list of
// example topics; nullopt for an unknown topic.
std::optional<std::string> ReferenceText(std::string_view topic);

// The topics get_reference accepts, for its inputSchema and for errors.
std::vector<std::string> ReferenceTopics();

// The tool get_reference {topic}: the same texts as the resources.
Tool GetReferenceTool();
ToolResult GetReference(const nlohmann::json& arguments);

// The entries as MCP resources.
class ReferenceResources : public ResourceProvider {
 public:
  std::vector<Resource> Resources() override;
  std::optional<std::string> Read(const std::string& uri) override;
};

}  // namespace weft::agents

#endif  // WEFT_AGENTS_REFERENCE_H_
