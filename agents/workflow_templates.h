// The files `weft new` writes, compiled into the binary so that scaffolding never depends on
// where weft is installed. Each template validates as written (tests/agents/new_command_test.cc
// runs the real `weft validate` on them) and is rendered by plain substitution of values that
// WorkflowScaffold has already checked: a name the loader accepts, a description as a quoted
// YAML string.
//
// Pure functions; thread-safe.
#ifndef WEFT_AGENTS_WORKFLOW_TEMPLATES_H_
#define WEFT_AGENTS_WORKFLOW_TEMPLATES_H_

#include <string>

namespace weft::agents {

struct TemplateValues {
  std::string name;              // the workflow name, "order-clothes", or a quoted scalar
  std::string description_yaml;  // a YAML double-quoted scalar
  std::string activity;          // the activity the call step runs: "log" or "<module>.process"
  std::string lua_module;        // "order_clothes"; empty without a Lua activity
  std::string workflow_file;     // paths as the user will type them, for comments
  std::string test_file;
  std::string workflow_ref;  // the workflow file, relative to the test file's folder
};

// workflows/<name>.yaml: an input schema, one call step, an output.
std::string WorkflowTemplate(const TemplateValues& values);
// activities/<module>.lua: the activity <module>.process the workflow calls.
std::string LuaActivityTemplate(const TemplateValues& values);
// tests/workflows/<name>.test.yaml: dry-run cases for `weft test`.
std::string WorkflowTestTemplate(const TemplateValues& values);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_WORKFLOW_TEMPLATES_H_
