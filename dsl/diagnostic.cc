#include "dsl/diagnostic.h"

#include <algorithm>
#include <cstddef>
#include <string>

namespace weft::dsl {
namespace {

// The line of `source` that holds `offset`, without its line break.
std::string_view LineAt(std::string_view source, std::size_t offset) {
  if (offset > source.size()) return {};
  const std::size_t begin = source.rfind('\n', offset == 0 ? 0 : offset - 1);
  const std::size_t start =
      (begin == std::string_view::npos || (offset == 0 && source[0] == '\n')) ? 0 : begin + 1;
  const std::size_t end = source.find('\n', start);
  std::string_view line =
      source.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::string FormatDiagnostic(const Diagnostic& diagnostic, std::string_view source) {
  std::string out;
  if (!diagnostic.file.empty()) out += diagnostic.file + ":";
  if (diagnostic.position.line > 0) {
    out += std::to_string(diagnostic.position.line) + ":" +
           std::to_string(diagnostic.position.column) + ":";
  }
  if (!out.empty()) out += " ";
  out += "error[" + diagnostic.code + "]: " + diagnostic.message + "\n";
  if (!source.empty() && diagnostic.position.line > 0) {
    const std::string_view line = LineAt(source, diagnostic.position.offset);
    if (!line.empty() && line.size() < 300) {
      out += "    " + std::string(line) + "\n";
      std::string pad;
      const std::size_t column = static_cast<std::size_t>(std::max(diagnostic.position.column, 1));
      for (std::size_t i = 0; i + 1 < column && i < line.size(); ++i) {
        pad += line[i] == '\t' ? '\t' : ' ';
      }
      out += "    " + pad + "^\n";
    }
  }
  if (!diagnostic.path.empty()) out += "  at " + diagnostic.path + "\n";
  if (!diagnostic.hint.empty()) out += "  hint: " + diagnostic.hint + "\n";
  return out;
}

nlohmann::json DiagnosticToJson(const Diagnostic& diagnostic) {
  return {{"code", diagnostic.code},
          {"file", diagnostic.file},
          {"line", diagnostic.position.line},
          {"column", diagnostic.position.column},
          {"path", diagnostic.path.empty() ? std::string("") : diagnostic.path},
          {"message", diagnostic.message},
          {"hint", diagnostic.hint}};
}

}  // namespace weft::dsl
