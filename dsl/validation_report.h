// ValidationReport: `weft validate` as a function, for the CLI to print and tests to check.
// ValidateDefinitions() loads every definition file the paths name (files as given, folders
// searched recursively for *.yaml and *.yml, in sorted order; a path that does not exist is
// kept, so that loading reports it) and keeps, per file, the definition or its diagnostics.
// The report's JSON is the contract of `weft validate --json` and of the MCP tool
// validate_workflow; its text is what `weft validate` prints.
//
// Reads files only; any thread may call it. A report is a value, owned by the caller.
#ifndef WEFT_DSL_VALIDATION_REPORT_H_
#define WEFT_DSL_VALIDATION_REPORT_H_

#include <cstddef>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dsl/definition.h"
#include "dsl/diagnostic.h"
#include "dsl/loader.h"

namespace weft::dsl {

struct FileValidation {
  std::filesystem::path file;
  std::shared_ptr<const Definition> definition;  // null when the file does not load
  std::vector<Diagnostic> diagnostics;           // why it does not
  std::string source;  // the file's text when it does not load: what the diagnostics point into
};

struct ValidationReport {
  std::vector<FileValidation> files;

  // Every file loads, and there was at least one.
  bool valid() const;
  std::size_t invalid_files() const;
  std::size_t errors() const;

  // {"valid", "files": [{"file", "valid", "name"?, "version"?, "sha256"?, "diagnostics"}]}
  nlohmann::json ToJson() const;
  // Per file "<file>: ok (<name> v<version>, sha256 <12 hex>)" or its diagnostics with their
  // source lines, then the totals. Empty when there were no files.
  std::string Text() const;
};

// The definition files `paths` name, in the order described above.
std::vector<std::filesystem::path> DefinitionFiles(const std::vector<std::string>& paths);

// Loads each of DefinitionFiles(paths) with `options` (options.file is set per file).
ValidationReport ValidateDefinitions(const std::vector<std::string>& paths,
                                     const LoadOptions& options);

}  // namespace weft::dsl

#endif  // WEFT_DSL_VALIDATION_REPORT_H_
