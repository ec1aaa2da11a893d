#include "dsl/validation_report.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace weft::dsl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

bool ValidationReport::valid() const { return !files.empty() && invalid_files() == 0; }

std::size_t ValidationReport::invalid_files() const {
  return std::ranges::count_if(files, [](const FileValidation& f) { return !f.definition; });
}

std::size_t ValidationReport::errors() const {
  std::size_t count = 0;
  for (const FileValidation& file : files) count += file.diagnostics.size();
  return count;
}

json ValidationReport::ToJson() const {
  json report = {{"valid", valid()}, {"files", json::array()}};
  for (const FileValidation& file : files) {
    json entry = {{"file", file.file.string()},
                  {"valid", file.definition != nullptr},
                  {"diagnostics", json::array()}};
    if (file.definition) {
      entry["name"] = file.definition->name;
      entry["version"] = file.definition->version;
      entry["sha256"] = file.definition->sha256;
    }
    for (const Diagnostic& diagnostic : file.diagnostics) {
      entry["diagnostics"].push_back(DiagnosticToJson(diagnostic));
    }
    report["files"].push_back(std::move(entry));
  }
  return report;
}

std::string ValidationReport::Text() const {
  if (files.empty()) return "";
  std::ostringstream out;
  for (const FileValidation& file : files) {
    if (file.definition) {
      out << file.file.string() << ": ok (" << file.definition->name << " v"
          << file.definition->version << ", sha256 " << file.definition->sha256.substr(0, 12)
          << ")\n";
    }
    for (const Diagnostic& diagnostic : file.diagnostics) {
      out << FormatDiagnostic(diagnostic, file.source);
    }
  }
  const std::size_t error_count = errors();
  out << files.size() << (files.size() == 1 ? " file" : " files") << ", " << invalid_files()
      << " invalid, " << error_count << (error_count == 1 ? " error" : " errors") << "\n";
  return out.str();
}

std::vector<fs::path> DefinitionFiles(const std::vector<std::string>& paths) {
  std::vector<fs::path> files;
  for (const std::string& name : paths) {
    const fs::path path(name);
    std::error_code error;
    if (!fs::is_directory(path, error)) {
      files.push_back(path);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
         it.increment(error)) {
      const fs::path& file = it->path();
      if (it->is_regular_file() && (file.extension() == ".yaml" || file.extension() == ".yml")) {
        found.push_back(file);
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

ValidationReport ValidateDefinitions(const std::vector<std::string>& paths,
                                     const LoadOptions& options) {
  ValidationReport report;
  for (const fs::path& file : DefinitionFiles(paths)) {
    FileValidation entry{.file = file};
    if (auto loaded = LoadDefinitionFile(file, options)) {
      entry.definition = std::move(*loaded);
    } else {
      entry.diagnostics = std::move(loaded.error());
      entry.source = ReadText(file);
    }
    report.files.push_back(std::move(entry));
  }
  return report;
}

}  // namespace weft::dsl
