// RunWorkflowTests: `weft test` (the test_workflow tool's command) as a function. It finds the
// test files (*.test.yaml) under the paths given, resolves the workflow each names (a path
// relative to the test file, or a name in the workflows folder: dsl/resolve_definition.h),
// checks each case's input as an engine would before a run starts, and dry-runs the case
// (runtime/dry_run: mocked activities, virtual time). The report holds what the CLI prints, as
// text or as JSON.
//
// Reads files only; any thread may call it.
#ifndef WEFT_AGENTS_WORKFLOW_TESTS_H_
#define WEFT_AGENTS_WORKFLOW_TESTS_H_

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dsl/definition.h"
#include "dsl/diagnostic.h"
#include "runtime/dry_run/dry_run.h"

namespace weft::agents {

struct TestFileReport {
  std::filesystem::path file;
  std::string workflow_file;  // the definition the file names, once resolved
  std::shared_ptr<const dsl::Definition> definition;  // null when the file cannot run
  std::vector<dsl::Diagnostic> problems;  // why it cannot run: of the test file or definition
  std::string problem_source;             // the text the problems point into
  std::vector<dry_run::CaseResult> cases;
};

struct TestReport {
  std::vector<TestFileReport> files;
  int cases = 0;
  int failed = 0;
  int broken_files = 0;

  // Every case passed, every file could run, and there was at least one file.
  bool passed() const { return failed == 0 && broken_files == 0 && !files.empty(); }
  nlohmann::json ToJson() const;
};

// `paths`: test files, or folders searched recursively.
TestReport RunWorkflowTests(const std::vector<std::string>& paths,
                            const std::filesystem::path& workflows_dir);

}  // namespace weft::agents

#endif  // WEFT_AGENTS_WORKFLOW_TESTS_H_
