#include "dsl/load/loader_context.h"

#include <algorithm>

#include "dsl/codes.h"
#include "dsl/spelling.h"

namespace weft::dsl::load {

using Kind = SourceNode::Kind;

LoaderContext::LoaderContext(std::string_view text, const LoadOptions& options,
                             std::vector<Diagnostic> diagnostics)
    : text_(text), options_(options), diagnostics_(std::move(diagnostics)) {}

const std::map<std::string, std::string, std::less<>>& ForeignSpellings() {
  static const auto* spellings = new std::map<std::string, std::string, std::less<>>{
      {"do", "steps"},
      {"tasks", "steps"},
      {"fork", "parallel"},
      {"branches", "parallel"},
      {"sleep", "wait"},
      {"delay", "wait"},
      {"listen", "await"},
      {"activity", "call"},
      {"function", "call"},
      {"http", "call: http.request"},
      {"raise", "fail"},
      {"throw", "fail"},
      {"for", "foreach"},
      {"for_each", "foreach"},
      {"if", "when"},
      {"condition", "when"},
      {"timeout", "timeouts"},
      {"arguments", "args"},
      {"input", "args"},
      {"output", "result"},
      {"backoff", "backoff_coefficient"},
      {"max_interval", "maximum_interval"},
      {"max_attempts", "maximum_attempts"},
      {"non_retryable", "non_retryable_error_types"},
      {"start_to_close_timeout", "start_to_close"},
      {"schedule_to_close_timeout", "schedule_to_close"},
      {"heartbeat_timeout", "heartbeat"},
      {"except", "catch"},
      {"rescue", "catch"},
      {"ensure", "finally"},
      {"sub_workflow", "workflow"},
      {"child_workflow", "workflow"},
      {"variables", "vars"},
      {"params", "input"},
  };
  return *spellings;
}

std::string WithArticle(std::string_view noun) {
  const bool vowel =
      !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

const std::regex& IdentifierPattern() {
  static const std::regex pattern("^[a-z_][a-z0-9_]{0,62}$");
  return pattern;
}

const std::regex& WorkflowNamePattern() {
  static const std::regex pattern("^[a-z][a-z0-9-]{0,62}$");
  return pattern;
}

const std::regex& ExternalNamePattern() {
  static const std::regex pattern("^[A-Za-z_][A-Za-z0-9_.:-]{0,199}$");
  return pattern;
}

void LoaderContext::Error(const char* code, const SourceNode& node, std::string message,
                          std::string hint) {
  Error(code, node.range.begin, node.path, std::move(message), std::move(hint));
}

void LoaderContext::Error(const char* code, SourcePosition position, std::string path,
                          std::string message, std::string hint) {
  diagnostics_.push_back(Diagnostic{.code = code,
                                    .file = options_.file,
                                    .position = position,
                                    .path = std::move(path),
                                    .message = std::move(message),
                                    .hint = std::move(hint)});
}

void LoaderContext::ErrorAtKey(const char* code, const SourceNode::Entry& entry,
                               std::string message, std::string hint) {
  Error(code, entry.key_range.begin, entry.value.path, std::move(message), std::move(hint));
}

bool LoaderContext::ExpectKind(const SourceNode& node, Kind kind, std::string_view what) {
  if (node.kind == kind) return true;
  Error(codes::kWrongType, node,
        std::string(what) + " must be " + WithArticle(KindName(kind)) + ", not " +
            WithArticle(KindName(node.kind)));
  return false;
}

void LoaderContext::CheckKeys(const SourceNode& node,
                              std::initializer_list<std::string_view> allowed,
                              std::string_view where) {
  for (const SourceNode::Entry& entry : node.entries) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) != allowed.end()) continue;
    std::vector<std::string_view> candidates(allowed.begin(), allowed.end());
    std::string hint;
    if (auto suggestion = ClosestSpelling(entry.key, candidates)) {
      hint = "did you mean `" + *suggestion + "`?";
    } else if (auto foreign = ForeignSpellings().find(entry.key);
               foreign != ForeignSpellings().end()) {
      const std::string_view target = foreign->second;
      const std::string_view head = target.substr(0, target.find(':'));
      if (std::find(allowed.begin(), allowed.end(), head) != allowed.end()) {
        hint = "weft writes this `" + foreign->second + "`";
      }
    }
    if (hint.empty()) {
      std::string list;
      for (const std::string_view key : allowed) {
        list += list.empty() ? "" : ", ";
        list += key;
      }
      hint = "allowed here: " + list;
    }
    ErrorAtKey(codes::kUnknownKey, entry,
               "unknown key `" + entry.key + "` in " + std::string(where), hint);
  }
}

const SourceNode* LoaderContext::Required(const SourceNode& node, std::string_view key,
                                          std::string_view where, std::string hint) {
  if (const SourceNode* value = node.Find(key)) return value;
  Error(codes::kMissingKey, node, std::string(where) + " needs `" + std::string(key) + "`",
        std::move(hint));
  return nullptr;
}

std::optional<std::string> LoaderContext::String(const SourceNode* node, std::string_view what) {
  if (node == nullptr) return std::nullopt;
  if (!ExpectKind(*node, Kind::kString, what)) return std::nullopt;
  return node->string();
}

std::optional<std::string> LoaderContext::Name(const SourceNode* node, const std::regex& pattern,
                                               std::string_view what, std::string_view rule) {
  auto name = String(node, what);
  if (!name) return std::nullopt;
  if (!std::regex_match(*name, pattern)) {
    Error(codes::kInvalidName, *node, std::string(what) + " `" + *name + "` is not a valid name",
          std::string(rule));
    return std::nullopt;
  }
  return name;
}

std::optional<std::int64_t> LoaderContext::Integer(const SourceNode* node, std::string_view what,
                                                   std::int64_t minimum) {
  if (node == nullptr) return std::nullopt;
  if (!ExpectKind(*node, Kind::kInt, what)) return std::nullopt;
  const std::int64_t value = node->scalar.get<std::int64_t>();
  if (value < minimum) {
    Error(codes::kInvalidValue, *node,
          std::string(what) + " must be at least " + std::to_string(minimum));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> LoaderContext::Boolean(const SourceNode* node, std::string_view what) {
  if (node == nullptr) return std::nullopt;
  if (!ExpectKind(*node, Kind::kBool, what)) return std::nullopt;
  return node->scalar.get<bool>();
}

std::optional<Duration> LoaderContext::DurationOf(const SourceNode* node) {
  if (node == nullptr) return std::nullopt;
  const std::string hint = "write durations like `30s`, `5m`, `1h30m`, `250ms` or `2d`";
  if (node->kind != Kind::kString) {
    Error(codes::kInvalidDuration, *node,
          "a duration must be a string, not " + WithArticle(KindName(node->kind)), hint);
    return std::nullopt;
  }
  auto duration = ParseDuration(node->string());
  if (!duration) {
    Error(codes::kInvalidDuration, *node, "`" + node->string() + "` is not a duration", hint);
    return std::nullopt;
  }
  canonical_rewrites_.emplace_back(node->path, FormatDuration(*duration));
  return duration;
}

std::string LoaderContext::LocalName(const SourceNode* node, std::string fallback,
                                     std::string_view what) {
  if (node == nullptr) return fallback;
  auto name = Name(node, IdentifierPattern(), what,
                   "names are lowercase identifiers: letters, digits and `_`");
  if (!name) return fallback;
  if (std::find(kRootNames.begin(), kRootNames.end(), *name) != kRootNames.end()) {
    Error(codes::kReservedName, *node, "`" + *name + "` is a name every expression already has",
          "choose another name");
    return fallback;
  }
  return *name;
}

}  // namespace weft::dsl::load
