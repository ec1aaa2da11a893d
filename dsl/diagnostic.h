// A problem found in a definition: a stable code (dsl/codes.h, dsl/expr/codes.h), where it is
// (file:line:col and the JSON Pointer of the node), what is wrong and, where it can be said, how
// to fix it. Diagnostics are plain values; the loader returns all of a file's diagnostics at
// once, sorted by position.
#ifndef WEFT_DSL_DIAGNOSTIC_H_
#define WEFT_DSL_DIAGNOSTIC_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "dsl/source_range.h"

namespace weft::dsl {

struct Diagnostic {
  std::string code;  // "WEFT1102"
  std::string file;  // as given to the loader; may be empty
  SourcePosition position;
  std::string path;  // JSON Pointer into the document, e.g. "/steps/0/timeouts"
  std::string message;
  std::string hint;  // may be empty
};

// As a compiler prints it: "file:line:col: error[CODE]: message", then the source line with a
// caret under the column when `source` is the file's text, the path and the hint.
std::string FormatDiagnostic(const Diagnostic& diagnostic, std::string_view source = {});

// {"code", "file", "line", "column", "path", "message", "hint"}: the machine form (--json).
nlohmann::json DiagnosticToJson(const Diagnostic& diagnostic);

}  // namespace weft::dsl

#endif  // WEFT_DSL_DIAGNOSTIC_H_
