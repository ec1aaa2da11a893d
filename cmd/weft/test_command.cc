// test: dry runs of workflows (runtime/dry_run): test files (*.test.yaml) run on the
// interpreter with mocked activities and virtual time. Exit 0 when every case passes, 1
// otherwise (a failed case, a test file or definition that does not load).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cmd/weft/commands.h"
#include "dsl/input_check.h"
#include "dsl/loader.h"
#include "runtime/dry_run/dry_run.h"
#include "runtime/dry_run/test_case.h"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct TestOptions {
  std::vector<std::string> paths;
  std::string workflows_dir = "workflows";
  bool json = false;
};

bool IsTestFile(const fs::path& path) {
  const std::string name = path.filename().string();
  return name.ends_with(".test.yaml") || name.ends_with(".test.yml");
}

std::vector<fs::path> TestFiles(const std::vector<std::string>& paths) {
  std::vector<fs::path> files;
  for (const std::string& name : paths) {
    std::error_code error;
    if (!fs::is_directory(name, error)) {
      files.emplace_back(name);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(name, error), end; !error && it != end;
         it.increment(error)) {
      if (it->is_regular_file() && IsTestFile(it->path())) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string ReadText(const fs::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The definition a test file names: a path relative to the test file (anything with a `/` or
// a .yaml/.yml suffix), or a workflow name looked up in the workflows folder.
fs::path DefinitionPath(const dry_run::TestFile& test_file, const std::string& workflows_dir) {
  const std::string& workflow = test_file.workflow;
  if (workflow.find('/') != std::string::npos || workflow.ends_with(".yaml") ||
      workflow.ends_with(".yml")) {
    const fs::path path(workflow);
    return path.is_absolute() ? path : fs::path(test_file.file).parent_path() / path;
  }
  for (const char* extension : {".yaml", ".yml"}) {
    const fs::path candidate = fs::path(workflows_dir) / (workflow + extension);
    std::error_code error;
    if (fs::exists(candidate, error)) return candidate;
  }
  // A file whose `name:` differs from its file name.
  std::error_code error;
  std::shared_ptr<const dsl::Definition> newest;
  fs::path newest_path;
  for (fs::directory_iterator it(workflows_dir, error), end; !error && it != end;
       it.increment(error)) {
    if (!it->is_regular_file()) continue;
    auto loaded = dsl::LoadDefinitionFile(it->path());
    if (loaded && (*loaded)->name == workflow &&
        (newest == nullptr || (*loaded)->version > newest->version)) {
      newest = *loaded;
      newest_path = it->path();
    }
  }
  return newest != nullptr ? newest_path : fs::path(workflows_dir) / (workflow + ".yaml");
}

void PrintValue(const char* label, const json& value) {
  if (value.is_null()) return;
  std::cout << "          " << label << value.dump() << "\n";
}

void RunTest(const TestOptions& options) {
  const std::vector<std::string> paths =
      options.paths.empty() ? std::vector<std::string>{"tests/workflows"} : options.paths;
  const std::vector<fs::path> files = TestFiles(paths);
  json report = {{"passed", true}, {"cases", 0}, {"failed", 0}, {"files", json::array()}};
  int cases = 0;
  int failed = 0;
  int broken_files = 0;
  for (const fs::path& file : files) {
    json entry = {{"file", file.string()}, {"cases", json::array()}};
    bool readable = false;
    const std::string text = ReadText(file, readable);
    std::vector<dsl::Diagnostic> problems;
    std::string problem_source = text;
    std::shared_ptr<const dsl::Definition> definition;
    auto parsed = readable ? dry_run::ParseTestFile(text, file.string())
                           : std::unexpected(std::vector<dsl::Diagnostic>{
                                 {.code = "WEFT1012",
                                  .file = file.string(),
                                  .position = {.line = 1, .column = 1},
                                  .message = "cannot read " + file.string()}});
    if (!parsed) {
      problems = parsed.error();
    } else {
      const fs::path definition_path = DefinitionPath(*parsed, options.workflows_dir);
      entry["workflow"] = definition_path.string();
      auto loaded = dsl::LoadDefinitionFile(definition_path);
      if (!loaded) {
        problems = loaded.error();
        problem_source = ReadText(definition_path, readable);
      } else {
        definition = *loaded;
        entry["name"] = definition->name;
        entry["version"] = definition->version;
      }
    }
    if (!problems.empty()) {
      ++broken_files;
      entry["errors"] = json::array();
      for (const dsl::Diagnostic& diagnostic : problems) {
        entry["errors"].push_back(dsl::DiagnosticToJson(diagnostic));
      }
      if (!options.json) {
        std::cout << file.string() << ": cannot run\n";
        for (const dsl::Diagnostic& diagnostic : problems) {
          std::cout << dsl::FormatDiagnostic(diagnostic, problem_source);
        }
      }
      report["files"].push_back(std::move(entry));
      continue;
    }
    if (!options.json) {
      std::cout << file.string() << " (" << definition->name << " v" << definition->version
                << ")\n";
    }
    for (const dry_run::TestCase& test_case : parsed->cases) {
      // The input is checked as an engine checks it before a run starts.
      dry_run::CaseResult result;
      if (auto checked = dsl::CheckInput(definition->input_schema, test_case.input); !checked) {
        result = {.name = test_case.name, .line = test_case.line, .status = "rejected"};
        result.failures.push_back({.what = "input",
                                   .message = "the input does not match the workflow's input "
                                              "schema: " +
                                              dsl::DescribeInputErrors(checked.error()),
                                   .actual = test_case.input});
      } else {
        result = dry_run::RunCase(definition, test_case);
      }
      ++cases;
      if (!result.passed) ++failed;
      entry["cases"].push_back(result.ToJson());
      if (options.json) continue;
      std::cout << (result.passed ? "  ok    " : "  FAIL  ") << result.name << "  ("
                << result.status << ", " << result.steps.size() << " steps, virtual time "
                << dsl::FormatDuration(dsl::Duration(result.virtual_time_ms)) << ")\n";
      for (const dry_run::CaseFailure& failure : result.failures) {
        std::cout << "        " << file.string() << ":" << result.line << ": " << failure.what
                  << (failure.step.empty() ? "" : " [step " + failure.step + "]") << ": "
                  << failure.message << "\n";
        PrintValue("expected: ", failure.expected);
        PrintValue("actual:   ", failure.actual);
      }
    }
    report["files"].push_back(std::move(entry));
  }
  report["cases"] = cases;
  report["failed"] = failed;
  report["passed"] = failed == 0 && broken_files == 0 && !files.empty();
  if (options.json) {
    std::cout << report.dump(2) << "\n";
  } else if (files.empty()) {
    std::cerr << "weft test: no test files (*.test.yaml) found\n";
  } else {
    std::cout << cases << (cases == 1 ? " case, " : " cases, ") << failed << " failed";
    if (broken_files > 0) std::cout << ", " << broken_files << " files could not run";
    std::cout << "\n";
  }
  if (!report["passed"].get<bool>()) throw CLI::RuntimeError(1);
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
