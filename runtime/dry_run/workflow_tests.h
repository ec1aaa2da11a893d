// RunWorkflowTests: `weft test` (and the MCP tool test_workflow, through it) as a function. It
// finds the test files (*.test.yaml) under the paths given, resolves the workflow each names (a
// path relative to the test file, or a name in the workflows folder: dsl/resolve_definition.h),
// checks each case's input as an engine would before a run starts, and dry-runs the case
// (dry_run.h: mocked activities, virtual time). The report is what the CLI prints, as text
// (Text()) or as JSON (ToJson()), so that both forms are tested here and not through a binary.
//
// Reads files only; any thread may call it. A report is a value, owned by the caller.
#ifndef WEFT_RUNTIME_DRY_RUN_WORKFLOW_TESTS_H_
#define WEFT_RUNTIME_DRY_RUN_WORKFLOW_TESTS_H_

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dsl/definition.h"
#include "dsl/diagnostic.h"
#include "runtime/dry_run/dry_run.h"

namespace weft::dry_run {

struct TestFileReport {
  std::filesystem::path file;
  std::string workflow_file;  // the definition the file names, once resolved
  std::shared_ptr<const dsl::Definition> definition;  // null when the file cannot run
  std::vector<dsl::Diagnostic> problems;  // why it cannot run: of the test file or definition
  std::string problem_source;             // the text the problems point into
  std::vector<CaseResult> cases;
};

struct TestReport {
  std::vector<TestFileReport> files;
  int cases = 0;
  int failed = 0;
  int broken_files = 0;

  // Every case passed, every file could run, and there was at least one file.
  bool passed() const { return failed == 0 && broken_files == 0 && !files.empty(); }
  nlohmann::json ToJson() const;
  // Per file its cases (ok or FAIL, with what, where, expected and actual) or why it cannot
  // run, then one line of totals. Empty when there were no files.
  std::string Text() const;
};

// `paths`: test files, or folders searched recursively.
TestReport RunWorkflowTests(const std::vector<std::string>& paths,
                            const std::filesystem::path& workflows_dir);

}  // namespace weft::dry_run

#endif  // WEFT_RUNTIME_DRY_RUN_WORKFLOW_TESTS_H_
