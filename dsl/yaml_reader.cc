#include "dsl/yaml_reader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <set>
#include <string>

#include "dsl/codes.h"
#include "dsl/line_index.h"

namespace weft::dsl {
namespace {

// The offset of the first byte that is not well-formed UTF-8 (overlongs, surrogates and code
// points above U+10FFFF included), or npos.
std::size_t FirstInvalidUtf8(std::string_view text) {
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  while (i < text.size()) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code = c & 0x07;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return i;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                          (length == 4 && code < 0x10000);
    if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return std::string_view::npos;
}

class Reader {
 public:
  Reader(std::string_view text, std::string_view file, const ReadLimits& limits)
      : text_(text), file_(file), limits_(limits), lines_(text) {}

  ReadResult Read();

 private:
  void Report(const char* code, SourcePosition position, std::string path, std::string message,
              std::string hint = {}) {
    result_.diagnostics.push_back(Diagnostic{.code = code,
                                             .file = std::string(file_),
                                             .position = position,
                                             .path = std::move(path),
                                             .message = std::move(message),
                                             .hint = std::move(hint)});
  }
  bool CheckText();
  SourcePosition PositionOf(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.pos < 0) return SourcePosition{};
    return lines_.PositionOf(static_cast<std::size_t>(mark.pos));
  }
  std::size_t ScalarEnd(const YAML::Node& node, std::size_t begin) const;
  // Converts `node`; false when a limit stopped the walk (then the tree is abandoned).
  bool Convert(const YAML::Node& node, const std::string& path, int depth, SourceNode& out);
  void ConvertScalar(const YAML::Node& node, const std::string& path, SourceNode& out);

  std::string_view text_;
  std::string_view file_;
  ReadLimits limits_;
  LineIndex lines_;
  std::size_t nodes_ = 0;
  ReadResult result_;
};

bool Reader::CheckText() {
  if (text_.size() > limits_.max_bytes) {
    Report(codes::kFileTooLarge, SourcePosition{.line = 1, .column = 1}, "",
           "the definition is " + std::to_string(text_.size()) + " bytes; the limit is " +
               std::to_string(limits_.max_bytes),
           "move large data out of the definition: pass it as input or fetch it in an activity");
    return false;
  }
  if (const std::size_t bad = FirstInvalidUtf8(text_); bad != std::string_view::npos) {
    Report(codes::kInvalidUtf8, lines_.PositionOf(bad), "",
           "the text is not valid UTF-8 (byte " + std::to_string(bad) + ")",
           "save the file as UTF-8");
    return false;
  }
  // YAML forbids tabs in indentation; yaml-cpp's own message for them is confusing, so say it
  // plainly, for every such line (up to a few).
  int reported = 0;
  std::size_t line_start = 0;
  while (line_start < text_.size() && reported < 10) {
    std::size_t i = line_start;
    while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t')) ++i;
    const std::size_t end = text_.find('\n', line_start);
    const bool has_content =
        i < text_.size() && text_[i] != '\n' && text_[i] != '\r' && text_[i] != '#';
    if (has_content) {
      const std::size_t tab = text_.substr(line_start, i - line_start).find('\t');
      if (tab != std::string_view::npos) {
        Report(codes::kTabIndentation, lines_.PositionOf(line_start + tab), "",
               "a tab is used for indentation", "YAML indents with spaces only");
        ++reported;
      }
    }
    if (end == std::string_view::npos) break;
    line_start = end + 1;
  }
  return reported == 0;
}

std::size_t Reader::ScalarEnd(const YAML::Node& node, std::size_t begin) const {
  const std::string& value = node.Scalar();
  if (begin >= text_.size()) return begin;
  const char first = text_[begin];
  if (first == '\'' || first == '"') {
    std::size_t i = begin + 1;
    while (i < text_.size()) {
      if (first == '"' && text_[i] == '\\') {
        i += 2;
        continue;
      }
      if (text_[i] == first) {
        if (first == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          i += 2;
          continue;
        }
        return i + 1;
      }
      ++i;
    }
    return text_.size();
  }
  if (text_.substr(begin, value.size()) == value) return begin + value.size();
  return std::min(text_.size(), begin + value.size() + 1);
}

void Reader::ConvertScalar(const YAML::Node& node, const std::string& path, SourceNode& out) {
  const std::string& text = node.Scalar();
  const std::string& tag = node.Tag();
  out.kind = SourceNode::Kind::kString;
  out.scalar = text;
  if (tag == "!" || tag == "tag:yaml.org,2002:str") {
    out.quoted = true;
    return;
  }
  if (tag != "?") {
    Report(codes::kUnsupportedScalar, out.range.begin, path,
           "the YAML tag `" + tag + "` is not supported",
           "remove the tag; write strings in quotes");
    return;
  }
  // YAML 1.2 core schema, plain scalars only.
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    out.kind = SourceNode::Kind::kNull;
    out.scalar = nullptr;
    return;
  }
  if (text == "true" || text == "True" || text == "TRUE") {
    out.kind = SourceNode::Kind::kBool;
    out.scalar = true;
    return;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    out.kind = SourceNode::Kind::kBool;
    out.scalar = false;
    return;
  }
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  const char first = text[0];
  const bool numeric_start =
      (first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.';
  if (!numeric_start) return;
  // Integers: decimal, 0o octal, 0x hexadecimal.
  {
    std::int64_t value = 0;
    const char* digits = begin + (first == '+' ? 1 : 0);
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
      base = text[1] == 'x' ? 16 : 8;
      digits = begin + 2;
    }
    const auto [ptr, error] = std::from_chars(digits, end, value, base);
    if (ptr == end && digits != end) {
      if (error == std::errc()) {
        out.kind = SourceNode::Kind::kInt;
        out.scalar = value;
        return;
      }
      if (error == std::errc::result_out_of_range) {
        Report(codes::kUnsupportedScalar, out.range.begin, path,
               "the integer `" + text + "` does not fit in 64 bits",
               "quote it to keep it as a string");
        return;
      }
    }
  }
  if (text == ".inf" || text == "-.inf" || text == "+.inf" || text == ".nan" || text == ".NaN" ||
      text == ".Inf" || text == "-.Inf" || text == ".INF" || text == "-.INF" || text == ".NAN") {
    Report(codes::kUnsupportedScalar, out.range.begin, path, "`" + text + "` is not a JSON number",
           "quote it to keep it as a string");
    return;
  }
  // Floats: [-+]? ( . digits | digits ( . digits? )? ) ( [eE] [-+]? digits )?
  std::size_t i = (first == '-' || first == '+') ? 1 : 0;
  std::size_t int_digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++int_digits;
  std::size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i, ++frac_digits;
    }
  }
  if (int_digits + frac_digits == 0) return;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i, ++exp_digits;
    }
    if (exp_digits == 0) return;
  }
  if (i != text.size()) return;
  double value = 0;
  const char* number = begin + (first == '+' ? 1 : 0);
  const auto [ptr, error] = std::from_chars(number, end, value);
  if (ptr != end || error != std::errc() || !std::isfinite(value)) {
    Report(codes::kUnsupportedScalar, out.range.begin, path,
           "the number `" + text + "` is out of range", "quote it to keep it as a string");
    return;
  }
  out.kind = SourceNode::Kind::kDouble;
  out.scalar = value;
}

bool Reader::Convert(const YAML::Node& node, const std::string& path, int depth, SourceNode& out) {
  const SourcePosition begin = PositionOf(node.Mark());
  out.range.begin = begin;
  out.range.end = begin;
  out.path = path;
  if (++nodes_ > limits_.max_nodes) {
    Report(codes::kTooManyNodes, begin, path,
           "the document expands to more than " + std::to_string(limits_.max_nodes) +
               " nodes (aliases count each time they are used)",
           "use fewer aliases; a definition this large is likely an alias bomb");
    return false;
  }
  if (depth > limits_.max_depth) {
    Report(codes::kTooDeep, begin, path,
           "the document nests deeper than " + std::to_string(limits_.max_depth) + " levels",
           "split deep structures into separate steps or pass them as input");
    return false;
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out.kind = SourceNode::Kind::kNull;
      if (node.Type() == YAML::NodeType::Null && node.Tag() == "!") {
        out.kind = SourceNode::Kind::kString;  // '' or ""
        out.scalar = "";
        out.quoted = true;
      }
      return true;
    case YAML::NodeType::Scalar:
      ConvertScalar(node, path, out);
      out.range.end = lines_.PositionOf(ScalarEnd(node, begin.offset));
      return true;
    case YAML::NodeType::Sequence: {
      out.kind = SourceNode::Kind::kSequence;
      out.range.end = begin;
      std::size_t index = 0;
      for (const YAML::Node& item : node) {
        SourceNode& converted = out.items.emplace_back();
        if (!Convert(item, path + "/" + std::to_string(index++), depth + 1, converted)) {
          return false;
        }
        if (converted.range.end.offset > out.range.end.offset) out.range.end = converted.range.end;
      }
      return true;
    }
    case YAML::NodeType::Map: {
      out.kind = SourceNode::Kind::kMapping;
      std::set<std::string, std::less<>> seen;
      for (const auto& pair : node) {
        const YAML::Node& key = pair.first;
        const SourcePosition key_position = PositionOf(key.Mark());
        if (!key.IsScalar()) {
          Report(codes::kComplexKey, key_position, path, "a mapping key must be a plain string",
                 "");
          continue;
        }
        std::string name = key.Scalar();
        // JSON Pointer escaping (RFC 6901).
        std::string escaped;
        for (const char c : name) {
          if (c == '~') {
            escaped += "~0";
          } else if (c == '/') {
            escaped += "~1";
          } else {
            escaped += c;
          }
        }
        const std::string child_path = path + "/" + escaped;
        if (!seen.insert(name).second) {
          Report(codes::kDuplicateKey, key_position, child_path, "duplicate key `" + name + "`",
                 "each key may appear once in a mapping; the first one is kept");
          continue;
        }
        SourceNode::Entry& entry = out.entries.emplace_back();
        entry.key = std::move(name);
        entry.key_range.begin = key_position;
        entry.key_range.end = lines_.PositionOf(ScalarEnd(key, key_position.offset));
        if (!Convert(pair.second, child_path, depth + 1, entry.value)) return false;
        if (entry.value.range.end.offset > out.range.end.offset) {
          out.range.end = entry.value.range.end;
        }
      }
      return true;
    }
  }
  return true;
}

ReadResult Reader::Read() {
  if (!CheckText()) return std::move(result_);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text_));
  } catch (const YAML::DeepRecursion& error) {
    Report(codes::kTooDeep, PositionOf(error.mark), "",
           "the document nests too deeply for the YAML parser",
           "real definitions nest a dozen levels; split deep structures");
    return std::move(result_);
  } catch (const YAML::Exception& error) {
    const SourcePosition position = PositionOf(error.mark);
    // The most common cause in a definition: an unquoted `${ ... }` inside a flow collection,
    // where `{`, `}` and `,` end a plain scalar, or one holding `: ` or ` #`.
    std::string hint;
    const std::size_t line_end = text_.find('\n', position.offset);
    const std::size_t line_start =
        position.offset == 0 ? std::string_view::npos : text_.rfind('\n', position.offset - 1);
    const std::size_t from = line_start == std::string_view::npos ? 0 : line_start + 1;
    const std::string_view line = text_.substr(
        from, line_end == std::string_view::npos ? std::string_view::npos : line_end - from);
    if (line.find("${") != std::string_view::npos) {
      hint =
          "quote expressions inside `{...}` or `[...]`, and those containing `: ` or ` #`: "
          "`{id: '${ input.id }'}`";
    }
    Report(codes::kYamlSyntax, position, "", "YAML syntax error: " + error.msg, hint);
    return std::move(result_);
  } catch (const std::exception& error) {
    Report(codes::kYamlSyntax, SourcePosition{.line = 1, .column = 1}, "",
           std::string("YAML syntax error: ") + error.what(), "");
    return std::move(result_);
  }
  if (documents.empty() || documents[0].IsNull() || !documents[0].IsDefined()) {
    Report(codes::kEmptyDocument, SourcePosition{.line = 1, .column = 1}, "",
           "the document is empty", "a definition starts with `dsl: 1`");
    return std::move(result_);
  }
  if (documents.size() > 1) {
    Report(codes::kMultipleDocuments, PositionOf(documents[1].Mark()), "",
           "the file holds " + std::to_string(documents.size()) + " YAML documents",
           "put one definition per file");
  }
  SourceNode root;
  if (Convert(documents[0], "", 0, root)) result_.root = std::move(root);
  return std::move(result_);
}

}  // namespace

ReadResult ReadYaml(std::string_view text, std::string_view file, const ReadLimits& limits) {
  Reader reader(text, file, limits);
  return reader.Read();
}

}  // namespace weft::dsl
