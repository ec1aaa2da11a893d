// test: dry runs of workflows (agents/workflow_tests.h): test files (*.test.yaml) run on the
// interpreter with mocked activities and virtual time. Exit 0 when every case passes, 1
// otherwise (a failed case, a test file or definition that does not load).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agents/workflow_tests.h"
#include "cmd/weft/commands.h"
#include "dsl/duration.h"

namespace weft::cli {
namespace {

struct TestOptions {
  std::vector<std::string> paths;
  std::string workflows_dir = "workflows";
  bool json = false;
};

void PrintValue(const char* label, const nlohmann::json& value) {
  if (value.is_null()) return;
  std::cout << "          " << label << value.dump() << "\n";
}

void PrintFile(const agents::TestFileReport& file) {
  if (!file.problems.empty()) {
    std::cout << file.file.string() << ": cannot run\n";
    for (const dsl::Diagnostic& diagnostic : file.problems) {
      std::cout << dsl::FormatDiagnostic(diagnostic, file.problem_source);
    }
    return;
  }
  std::cout << file.file.string() << " (" << file.definition->name << " v"
            << file.definition->version << ")\n";
  for (const dry_run::CaseResult& result : file.cases) {
    std::cout << (result.passed ? "  ok    " : "  FAIL  ") << result.name << "  (" << result.status
              << ", " << result.steps.size() << " steps, virtual time "
              << dsl::FormatDuration(dsl::Duration(result.virtual_time_ms)) << ")\n";
    for (const dry_run::CaseFailure& failure : result.failures) {
      std::cout << "        " << file.file.string() << ":" << result.line << ": " << failure.what
                << (failure.step.empty() ? "" : " [step " + failure.step + "]") << ": "
                << failure.message << "\n";
      PrintValue("expected: ", failure.expected);
      PrintValue("actual:   ", failure.actual);
    }
  }
}

void RunTest(const TestOptions& options) {
  const agents::TestReport report = agents::RunWorkflowTests(
      options.paths.empty() ? std::vector<std::string>{"tests/workflows"} : options.paths,
      options.workflows_dir);
  if (options.json) {
    std::cout << report.ToJson().dump(2) << "\n";
  } else if (report.files.empty()) {
    std::cerr << "weft test: no test files (*.test.yaml) found\n";
  } else {
    for (const agents::TestFileReport& file : report.files) PrintFile(file);
    std::cout << report.cases << (report.cases == 1 ? " case, " : " cases, ") << report.failed
              << " failed";
    if (report.broken_files > 0) std::cout << ", " << report.broken_files << " files could not run";
    std::cout << "\n";
  }
  if (!report.passed()) throw CLI::RuntimeError(1);
}

}  // namespace

void AddTestCommand(CLI::App& app) {
  auto options = std::make_shared<TestOptions>();
  auto* command = app.add_subcommand(
      "test",
      "Dry-run workflows: test cases (*.test.yaml) with mocked activities on virtual "
      "time (default: tests/workflows/)");
  command->add_option("paths", options->paths, "Test files or folders");
  command
      ->add_option("--workflows", options->workflows_dir,
                   "Where workflow names in test files are looked up")
      ->capture_default_str();
  command->add_flag("--json", options->json, "Print the results as JSON");
  command->callback([options] { RunTest(*options); });
}

}  // namespace weft::cli
