// test: dry runs of workflows (runtime/dry_run/workflow_tests.h): test files (*.test.yaml) run on
// the interpreter with mocked activities and virtual time. Exit 0 when every case passes, 1
// otherwise (a failed case, a test file or definition that does not load).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cmd/weft/commands.h"
#include "cmd/weft/output.h"
#include "runtime/dry_run/workflow_tests.h"

namespace weft::cli {

void AddTestCommand(CLI::App& app) {
  struct TestOptions {
    std::vector<std::string> paths;
    std::string workflows_dir = "workflows";
    bool json = false;
  };
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
  command->callback([options] {
    const dry_run::TestReport report = dry_run::RunWorkflowTests(
        options->paths.empty() ? std::vector<std::string>{"tests/workflows"} : options->paths,
        options->workflows_dir);
    if (options->json) {
      PrintJson(report.ToJson());
    } else if (report.files.empty()) {
      std::cerr << "weft test: no test files (*.test.yaml) found\n";
    } else {
      std::cout << report.Text();
    }
    if (!report.passed()) throw CLI::RuntimeError(1);
  });
}

}  // namespace weft::cli
