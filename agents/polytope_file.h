// PolytopeFile: the one edit weft makes to a project's polytope.yml. `add-temporal-client`
// registers the `add-temporal-workflow` tool there, once, as Bluetext's add-temporal-client
// does, but reading the YAML instead of grepping it: the file is parsed (dsl/yaml_reader.h),
// the tool is looked up under `tools`, and when it is missing its block is inserted as text at
// the end of the `tools` mapping, so that every other byte of the file (comments, order,
// quoting) stays as it was. The result is parsed again before it replaces the file (a
// temporary file renamed over it), so a file is never left half-edited or unreadable.
//
// Stateless; thread-safe; concurrent edits of one file are not coordinated (last one wins).
#ifndef WEFT_AGENTS_POLYTOPE_FILE_H_
#define WEFT_AGENTS_POLYTOPE_FILE_H_

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace weft::agents {

// The tool `add-temporal-workflow` as AddWorkflowTool inserts it, indented for a `tools`
// mapping whose keys start at column 3.
std::string_view WorkflowToolBlock();

enum class ToolRegistration { kAdded, kAlreadyThere };

// Adds the add-temporal-workflow tool to the polytope.yml at `path` (created when missing).
// Errors say where and what: the file does not parse, its root or `tools` is not a block
// mapping, it cannot be written.
std::expected<ToolRegistration, std::string> AddWorkflowTool(const std::filesystem::path& path);

// The same edit on text: the new text, or the text unchanged when the tool is there.
std::expected<std::string, std::string> AddWorkflowToolToText(std::string_view text,
                                                              std::string_view file);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_POLYTOPE_FILE_H_
