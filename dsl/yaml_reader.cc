#include "dsl/yaml_reader.h"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/emitterstyle.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <map>
#include <set>
#include <sstream>
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
  std::size_t ScalarEnd(const std::string& value, std::size_t begin) const;
  void ReportSyntaxError(const YAML::Exception& error);
  friend class TreeBuilder;
  void ConvertScalar(const std::string& tag, const std::string& text, SourceNode& out);

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

std::size_t Reader::ScalarEnd(const std::string& value, std::size_t begin) const {
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

void Reader::ConvertScalar(const std::string& tag, const std::string& text, SourceNode& out) {
  const std::string& path = out.path;
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

// Thrown from inside yaml-cpp's parser to stop it once a limit is reported.
struct StopParsing {};

// Builds the SourceNode tree from yaml-cpp's parse events (cheaper than building YAML::Nodes and
// walking them, and the only place where every limit is checked as the parser goes).
class TreeBuilder : public YAML::EventHandler {
 public:
  explicit TreeBuilder(Reader& reader) : reader_(reader) {}

  std::optional<SourceNode>& root() { return root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    SourceNode node = Begin(mark);
    node.kind = SourceNode::Kind::kNull;
    Add(std::move(node), anchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    SourceNode node = Begin(mark);
    reader_.ConvertScalar(tag, value, node);
    node.range.end = reader_.lines_.PositionOf(reader_.ScalarEnd(value, node.range.begin.offset));
    key_text_ = value;
    Add(std::move(node), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) {
      OnNull(mark, 0);
      return;
    }
    SourceNode copy = found->second;
    SourceNode node = Begin(mark);  // counts the alias itself and gives it its path
    // An alias costs the size of what it expands to: this is what stops "billion laughs".
    Count(found->second, node);
    Repath(copy, node.path);
    copy.range = node.range;
    if (copy.is_scalar() && copy.scalar.is_string()) key_text_ = copy.string();
    Add(std::move(copy), 0);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Push(mark, SourceNode::Kind::kSequence, anchor);
  }
  void OnSequenceEnd() override { Pop(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Push(mark, SourceNode::Kind::kMapping, anchor);
  }
  void OnMapEnd() override { Pop(); }

 private:
  struct Frame {
    SourceNode node;
    YAML::anchor_t anchor = 0;
    bool expecting_key = true;  // mappings alternate key, value
    bool skip_value = false;    // the key was refused: drop its value
    bool refused_key = false;   // this collection stands where a key should be
    std::string key;
    SourceRange key_range;
    std::set<std::string, std::less<>> seen;
  };

  // Where the next node goes: its path, and whether it is a mapping key.
  std::string NextPath() const {
    if (stack_.empty()) return "";
    const Frame& top = stack_.back();
    if (top.node.kind == SourceNode::Kind::kSequence) {
      return top.node.path + "/" + std::to_string(top.node.items.size());
    }
    std::string escaped;
    for (const char c : top.key) {
      if (c == '~') {
        escaped += "~0";
      } else if (c == '/') {
        escaped += "~1";
      } else {
        escaped += c;
      }
    }
    return top.node.path + "/" + escaped;
  }
  bool AtKey() const {
    return !stack_.empty() && stack_.back().node.kind == SourceNode::Kind::kMapping &&
           stack_.back().expecting_key;
  }

  SourceNode Begin(const YAML::Mark& mark) {
    SourceNode node;
    node.range.begin = reader_.PositionOf(mark);
    node.range.end = node.range.begin;
    node.path = AtKey() ? stack_.back().node.path : NextPath();
    if (++reader_.nodes_ > reader_.limits_.max_nodes) TooMany(node);
    return node;
  }

  void TooMany(const SourceNode& node) {
    reader_.Report(codes::kTooManyNodes, node.range.begin, node.path,
                   "the document expands to more than " +
                       std::to_string(reader_.limits_.max_nodes) +
                       " nodes (aliases count each time they are used)",
                   "use fewer aliases; a definition this large is likely an alias bomb");
    throw StopParsing{};
  }

  void Count(const SourceNode& node, const SourceNode& at) {
    reader_.nodes_ += 1;
    if (reader_.nodes_ > reader_.limits_.max_nodes) TooMany(at);
    for (const SourceNode& item : node.items) Count(item, at);
    for (const SourceNode::Entry& entry : node.entries) Count(entry.value, at);
  }

  static void Repath(SourceNode& node, const std::string& path) {
    const std::string old = node.path;
    node.path = path;
    for (SourceNode& item : node.items) Repath(item, path + item.path.substr(old.size()));
    for (SourceNode::Entry& entry : node.entries) {
      Repath(entry.value, path + entry.value.path.substr(old.size()));
    }
  }

  void Push(const YAML::Mark& mark, SourceNode::Kind kind, YAML::anchor_t anchor) {
    const bool as_key = AtKey();
    Frame frame;
    frame.node = Begin(mark);
    frame.node.kind = kind;
    frame.anchor = anchor;
    if (as_key) {
      reader_.Report(codes::kComplexKey, frame.node.range.begin, frame.node.path,
                     "a mapping key must be a plain string", "");
      frame.refused_key = true;
    }
    stack_.push_back(std::move(frame));
    if (static_cast<int>(stack_.size()) > reader_.limits_.max_depth) {
      reader_.Report(
          codes::kTooDeep, stack_.back().node.range.begin, stack_.back().node.path,
          "the document nests deeper than " + std::to_string(reader_.limits_.max_depth) + " levels",
          "split deep structures into separate steps or pass them as input");
      throw StopParsing{};
    }
  }

  void Pop() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.refused_key && AtKey()) {
      Frame& parent = stack_.back();
      parent.expecting_key = false;
      parent.skip_value = true;
      return;
    }
    Add(std::move(frame.node), frame.anchor);
  }

  void Add(SourceNode node, YAML::anchor_t anchor) {
    if (anchor != 0) anchors_[anchor] = node;
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == SourceNode::Kind::kSequence) {
      if (node.range.end.offset > top.node.range.end.offset) top.node.range.end = node.range.end;
      top.node.items.push_back(std::move(node));
      return;
    }
    if (top.expecting_key) {
      top.expecting_key = false;
      top.skip_value = false;
      if (!node.is_scalar()) {  // an alias to a collection, used as a key
        reader_.Report(codes::kComplexKey, node.range.begin, top.node.path,
                       "a mapping key must be a plain string", "");
        top.skip_value = true;
        return;
      }
      top.key = node.is_scalar() ? key_text_ : std::string();
      top.key_range = node.range;
      std::string path = NextPath();
      if (!top.seen.insert(top.key).second) {
        reader_.Report(codes::kDuplicateKey, node.range.begin, path,
                       "duplicate key `" + top.key + "`",
                       "each key may appear once in a mapping; the first one is kept");
        top.skip_value = true;
      }
      return;
    }
    top.expecting_key = true;
    if (top.skip_value) return;
    if (node.range.end.offset > top.node.range.end.offset) top.node.range.end = node.range.end;
    top.node.entries.push_back(
        SourceNode::Entry{.key = top.key, .key_range = top.key_range, .value = std::move(node)});
  }

  Reader& reader_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, SourceNode> anchors_;
  std::optional<SourceNode> root_;
  std::string key_text_;
};

// Sees whether anything follows the first document, without building it.
class DocumentProbe : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> start;
  bool has_nodes = false;
  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override { has_nodes = true; }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { has_nodes = true; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {
    has_nodes = true;
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    has_nodes = true;
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    has_nodes = true;
  }
  void OnMapEnd() override {}
};

void Reader::ReportSyntaxError(const YAML::Exception& error) {
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
}

ReadResult Reader::Read() {
  if (!CheckText()) return std::move(result_);
  std::istringstream stream{std::string(text_)};
  TreeBuilder builder(*this);
  try {
    YAML::Parser parser(stream);
    parser.HandleNextDocument(builder);
    if (builder.root().has_value()) {
      // One more document at most: yaml-cpp's LoadAll can loop forever on some malformed
      // input, producing empty documents, so never ask for more than this.
      DocumentProbe probe;
      if (parser.HandleNextDocument(probe)) {
        const SourcePosition position =
            probe.start ? PositionOf(*probe.start) : SourcePosition{.line = 1, .column = 1};
        if (probe.has_nodes) {
          Report(codes::kMultipleDocuments, position, "",
                 "the file holds more than one YAML document", "put one definition per file");
        } else {
          Report(codes::kYamlSyntax, position, "",
                 "YAML syntax error: unexpected text after the end of the document", "");
          builder.root().reset();
        }
      }
    }
  } catch (const StopParsing&) {
    return std::move(result_);
  } catch (const YAML::DeepRecursion& error) {
    Report(codes::kTooDeep, PositionOf(error.mark), "",
           "the document nests too deeply for the YAML parser",
           "real definitions nest a dozen levels; split deep structures");
    return std::move(result_);
  } catch (const YAML::Exception& error) {
    ReportSyntaxError(error);
    return std::move(result_);
  } catch (const std::exception& error) {
    Report(codes::kYamlSyntax, SourcePosition{.line = 1, .column = 1}, "",
           std::string("YAML syntax error: ") + error.what(), "");
    return std::move(result_);
  }
  if (!builder.root().has_value() || builder.root()->kind == SourceNode::Kind::kNull) {
    Report(codes::kEmptyDocument, SourcePosition{.line = 1, .column = 1}, "",
           "the document is empty", "a definition starts with `dsl: 1`");
    return std::move(result_);
  }
  result_.root = std::move(builder.root());
  return std::move(result_);
}

}  // namespace

ReadResult ReadYaml(std::string_view text, std::string_view file, const ReadLimits& limits) {
  Reader reader(text, file, limits);
  return reader.Read();
}

}  // namespace weft::dsl
