// The JSON Schema of the language (schema/workflow.schema.json), compiled into the binary so
// that `weft schema`, the MCP server and the tests all serve the very file in the repository.
// The text is a static constant: thread-safe.
#ifndef WEFT_DSL_WORKFLOW_SCHEMA_H_
#define WEFT_DSL_WORKFLOW_SCHEMA_H_

#include <string_view>

namespace weft::dsl {

std::string_view WorkflowSchemaText();

}  // namespace weft::dsl

#endif  // WEFT_DSL_WORKFLOW_SCHEMA_H_
