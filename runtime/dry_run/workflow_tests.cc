#include "runtime/dry_run/workflow_tests.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "dsl/codes.h"
#include "dsl/duration.h"
#include "dsl/input_check.h"
#include "dsl/resolve_definition.h"
#include "runtime/dry_run/test_case.h"

namespace weft::dry_run {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

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

dsl::Diagnostic FileProblem(const fs::path& file, std::string message) {
  return {.code = dsl::codes::kUnreadableFile,
          .file = file.string(),
          .position = {.line = 1, .column = 1},
          .message = std::move(message)};
}

// Resolves and loads what the test file names; problems when it cannot run.
void Prepare(TestFileReport& report, const fs::path& workflows_dir) {
  bool readable = false;
  const std::string text = ReadText(report.file, readable);
  report.problem_source = text;
  if (!readable) {
    report.problems.push_back(FileProblem(report.file, "cannot read " + report.file.string()));
    return;
  }
  auto parsed = ParseTestFile(text, report.file.string());
  if (!parsed) {
    report.problems = parsed.error();
    return;
  }
  // A path in a test file is relative to the test file.
  auto resolved =
      dsl::ResolveDefinition(parsed->workflow, workflows_dir, report.file.parent_path());
  if (!resolved) {
    report.workflow_file = resolved.error().file.string();
    report.problems = resolved.error().diagnostics;
    if (report.problems.empty()) {
      report.problems.push_back(FileProblem(report.file, resolved.error().message));
    }
    report.problem_source = ReadText(resolved.error().file, readable);
    return;
  }
  report.definition = *resolved;
  report.workflow_file = report.definition->file;
  for (const TestCase& test_case : parsed->cases) {
    // The input is checked as an engine checks it before a run starts.
    if (auto checked = dsl::CheckInput(report.definition->input_schema, test_case.input);
        !checked) {
      CaseResult result{.name = test_case.name, .line = test_case.line, .status = "rejected"};
      result.failures.push_back({.what = "input",
                                 .message = "the input does not match the workflow's input "
                                            "schema: " +
                                            dsl::DescribeInputErrors(checked.error()),
                                 .actual = test_case.input});
      report.cases.push_back(std::move(result));
    } else {
      report.cases.push_back(RunCase(report.definition, test_case));
    }
  }
}

}  // namespace

TestReport RunWorkflowTests(const std::vector<std::string>& paths, const fs::path& workflows_dir) {
  TestReport report;
  for (const fs::path& file : TestFiles(paths)) {
    TestFileReport entry{.file = file};
    Prepare(entry, workflows_dir);
    if (!entry.problems.empty()) ++report.broken_files;
    for (const CaseResult& result : entry.cases) {
      ++report.cases;
      if (!result.passed) ++report.failed;
    }
    report.files.push_back(std::move(entry));
  }
  return report;
}

json TestReport::ToJson() const {
  json out = {{"passed", passed()}, {"cases", cases}, {"failed", failed}, {"files", json::array()}};
  for (const TestFileReport& file : files) {
    json entry = {{"file", file.file.string()}, {"cases", json::array()}};
    if (!file.workflow_file.empty()) entry["workflow"] = file.workflow_file;
    if (file.definition) {
      entry["name"] = file.definition->name;
      entry["version"] = file.definition->version;
    }
    if (!file.problems.empty()) {
      entry["errors"] = json::array();
      for (const dsl::Diagnostic& diagnostic : file.problems) {
        entry["errors"].push_back(dsl::DiagnosticToJson(diagnostic));
      }
    }
    for (const CaseResult& result : file.cases) entry["cases"].push_back(result.ToJson());
    out["files"].push_back(std::move(entry));
  }
  return out;
}

std::string TestReport::Text() const {
  if (files.empty()) return "";
  std::ostringstream out;
  auto value = [&out](const char* label, const json& shown) {
    if (!shown.is_null()) out << "          " << label << shown.dump() << "\n";
  };
  for (const TestFileReport& file : files) {
    if (!file.problems.empty()) {
      out << file.file.string() << ": cannot run\n";
      for (const dsl::Diagnostic& diagnostic : file.problems) {
        out << dsl::FormatDiagnostic(diagnostic, file.problem_source);
      }
      continue;
    }
    out << file.file.string() << " (" << file.definition->name << " v" << file.definition->version
        << ")\n";
    for (const CaseResult& result : file.cases) {
      out << (result.passed ? "  ok    " : "  FAIL  ") << result.name << "  (" << result.status
          << ", " << result.steps.size() << " steps, virtual time "
          << dsl::FormatDuration(dsl::Duration(result.virtual_time_ms));
      // Retried calls say so: the policy ran, and how long its backoff took.
      for (const ActivityAttempts& call : result.activities) {
        if (call.attempts < 2) continue;
        out << ", " << call.step << " " << call.outcome << " after " << call.attempts
            << " attempts in " << dsl::FormatDuration(dsl::Duration(call.virtual_time_ms));
      }
      out << ")\n";
      for (const CaseFailure& failure : result.failures) {
        out << "        " << file.file.string() << ":" << result.line << ": " << failure.what
            << (failure.step.empty() ? "" : " [step " + failure.step + "]") << ": "
            << failure.message << "\n";
        value("expected: ", failure.expected);
        value("actual:   ", failure.actual);
      }
    }
  }
  out << cases << (cases == 1 ? " case, " : " cases, ") << failed << " failed";
  if (broken_files > 0) out << ", " << broken_files << " files could not run";
  out << "\n";
  return out.str();
}

}  // namespace weft::dry_run
