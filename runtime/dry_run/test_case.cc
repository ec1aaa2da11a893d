#include "runtime/dry_run/test_case.h"

#include <set>
#include <utility>

#include "dsl/source_node.h"
#include "dsl/spelling.h"
#include "dsl/yaml_reader.h"

namespace weft::dry_run {
namespace {

using dsl::Diagnostic;
using dsl::SourceNode;
using Kind = SourceNode::Kind;

// The language's codes, which mean the same here.
constexpr char kUnknownKey[] = "WEFT1102";
constexpr char kWrongType[] = "WEFT1103";
constexpr char kMissingKey[] = "WEFT1104";
constexpr char kInvalidValue[] = "WEFT1106";
constexpr char kInvalidDuration[] = "WEFT1107";

class Parser {
 public:
  explicit Parser(std::string_view file) : file_(file) {}

  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

  void Report(const SourceNode& node, const char* code, std::string message,
              std::string hint = "") {
    diagnostics_.push_back({.code = code,
                            .file = std::string(file_),
                            .position = node.range.begin,
                            .path = node.path,
                            .message = std::move(message),
                            .hint = std::move(hint)});
  }

  // Reports keys of `node` not in `allowed`; false when `node` is not a mapping.
  bool CheckMapping(const SourceNode& node, const std::vector<std::string_view>& allowed,
                    const char* what) {
    if (node.kind != Kind::kMapping) {
      Report(node, kWrongType,
             std::string(what) + " must be a mapping, not a " + dsl::KindName(node.kind));
      return false;
    }
    for (const auto& entry : node.entries) {
      bool known = false;
      for (std::string_view key : allowed) known = known || key == entry.key;
      if (known) continue;
      auto closest = dsl::ClosestSpelling(entry.key, allowed);
      std::string keys;
      for (std::string_view key : allowed) keys += (keys.empty() ? "" : ", ") + std::string(key);
      diagnostics_.push_back(
          {.code = kUnknownKey,
           .file = std::string(file_),
           .position = entry.key_range.begin,
           .path = node.path + "/" + entry.key,
           .message = "unknown key `" + entry.key + "` in " + what,
           .hint = closest ? "did you mean `" + *closest + "`?" : "the keys are: " + keys});
    }
    return true;
  }

  std::optional<std::string> String(const SourceNode& node, const char* what) {
    if (node.kind != Kind::kString) {
      Report(node, kWrongType,
             std::string(what) + " must be a string, not a " + dsl::KindName(node.kind));
      return std::nullopt;
    }
    return node.string();
  }

  std::optional<Mock> ParseMock(const SourceNode& node) {
    if (!CheckMapping(node, {"result", "error"}, "a mock")) return std::nullopt;
    const SourceNode* result = node.Find("result");
    const SourceNode* error = node.Find("error");
    if ((result == nullptr) == (error == nullptr)) {
      Report(node, kMissingKey, "a mock has exactly one of `result` and `error`",
             "{result: <what the activity returns>} or {error: {type: ..., message: ...}}");
      return std::nullopt;
    }
    Mock mock;
    if (result != nullptr) {
      mock.result = result->ToJson();
      return mock;
    }
    if (!CheckMapping(*error, {"type", "message", "details", "non_retryable"}, "an error")) {
      return std::nullopt;
    }
    const SourceNode* type = error->Find("type");
    if (type == nullptr) {
      Report(*error, kMissingKey, "an error needs a `type` (what `catch` matches)");
      return std::nullopt;
    }
    if (auto text = String(*type, "`type`")) mock.error_type = *text;
    if (const SourceNode* message = error->Find("message")) {
      if (auto text = String(*message, "`message`")) mock.error_message = *text;
    }
    if (const SourceNode* details = error->Find("details")) mock.error_details = details->ToJson();
    if (const SourceNode* flag = error->Find("non_retryable")) {
      if (flag->kind != Kind::kBool) {
        Report(*flag, kWrongType, "`non_retryable` must be true or false");
      } else {
        mock.non_retryable = flag->scalar.get<bool>();
      }
    }
    return mock;
  }

  void ParseEvent(const SourceNode& node, TestCase& test_case) {
    if (!CheckMapping(node, {"signal", "update", "query", "input", "after", "at", "expect"},
                      "an event")) {
      return;
    }
    ScriptedEvent event;
    event.line = node.range.begin.line;
    int kinds = 0;
    for (const auto& [key, kind] : {std::pair{"signal", ScriptedEvent::Kind::kSignal},
                                    std::pair{"update", ScriptedEvent::Kind::kUpdate},
                                    std::pair{"query", ScriptedEvent::Kind::kQuery}}) {
      if (const SourceNode* name = node.Find(key)) {
        ++kinds;
        event.kind = kind;
        if (auto text = String(*name, key)) event.name = *text;
      }
    }
    if (kinds != 1) {
      Report(node, kMissingKey, "an event has exactly one of `signal`, `update` and `query`");
      return;
    }
    if (const SourceNode* input = node.Find("input")) event.input = input->ToJson();
    if (const SourceNode* after = node.Find("after")) event.after_step = String(*after, "`after`");
    if (const SourceNode* at = node.Find("at")) {
      if (auto text = String(*at, "`at`")) {
        event.at = dsl::ParseDuration(*text);
        if (!event.at) {
          Report(*at, kInvalidDuration, "`" + *text + "` is not a duration",
                 "like 30s, 5m, 1h30m, 2d: virtual time after the run started");
        }
      }
    }
    if (event.after_step && event.at) {
      Report(node, kInvalidValue, "an event has at most one of `after` and `at`");
    }
    if (const SourceNode* expect = node.Find("expect")) {
      if (event.kind == ScriptedEvent::Kind::kSignal) {
        Report(*expect, kInvalidValue, "a signal has no answer to expect");
      } else if (CheckMapping(*expect, {"result", "rejected", "error"}, "an event's expect")) {
        event.expect = expect->ToJson();
      }
    }
    test_case.events.push_back(std::move(event));
  }

  void ParseExpect(const SourceNode& node, Expectation& expect) {
    if (!CheckMapping(node,
                      {"output", "error", "continue_as_new", "steps", "attempts", "virtual_time"},
                      "`expect`")) {
      return;
    }
    if (const SourceNode* output = node.Find("output")) expect.output = output->ToJson();
    if (const SourceNode* next = node.Find("continue_as_new")) {
      expect.continue_as_new = next->ToJson();
      if (node.Find("output") != nullptr || node.Find("error") != nullptr) {
        Report(*next, kInvalidValue,
               "a case expects one of `output`, `error` and `continue_as_new`");
      }
    }
    if (const SourceNode* error = node.Find("error")) {
      if (error->kind == Kind::kString) {
        expect.error_type = error->string();
      } else if (CheckMapping(*error, {"type", "message"}, "an expected error")) {
        if (const SourceNode* type = error->Find("type")) expect.error_type = String(*type, "type");
        if (const SourceNode* message = error->Find("message")) {
          expect.error_message = String(*message, "message");
        }
        if (!expect.error_type && !expect.error_message) {
          Report(*error, kMissingKey, "an expected error needs `type` or `message`");
        }
      }
      if (expect.output) {
        Report(*error, kInvalidValue, "a case expects an `output` or an `error`, not both");
      }
    }
    if (const SourceNode* steps = node.Find("steps")) {
      if (steps->kind != Kind::kSequence) {
        Report(*steps, kWrongType, "`steps` is a list of step ids, in the order they run");
      } else {
        expect.steps.emplace();
        for (const SourceNode& item : steps->items) {
          if (auto id = String(item, "a step id")) expect.steps->push_back(*id);
        }
      }
    }
    if (const SourceNode* attempts = node.Find("attempts")) {
      if (attempts->kind != Kind::kMapping) {
        Report(*attempts, kWrongType, "`attempts` maps step ids to their number of attempts",
               "attempts: {charge: 3}");
      } else {
        for (const auto& entry : attempts->entries) {
          const nlohmann::json count = entry.value.ToJson();
          if (!count.is_number_integer() || count.get<std::int64_t>() < 1) {
            Report(entry.value, kWrongType,
                   "the attempts of `" + entry.key + "` must be a whole number of at least 1");
            continue;
          }
          expect.attempts[entry.key] = count.get<std::int32_t>();
        }
      }
    }
    if (const SourceNode* time = node.Find("virtual_time")) {
      if (auto text = String(*time, "`virtual_time`")) {
        expect.virtual_time = dsl::ParseDuration(*text);
        if (!expect.virtual_time) {
          Report(*time, kInvalidDuration, "`" + *text + "` is not a duration",
                 "like 0s, 7s, 1h30m: how far the virtual clock moved from the start");
        }
      }
    }
  }

  void ParseCase(const SourceNode& node, TestFile& file, std::set<std::string>& names) {
    if (!CheckMapping(node, {"name", "input", "mocks", "events", "expect"}, "a case")) return;
    TestCase test_case;
    test_case.line = node.range.begin.line;
    if (const SourceNode* name = node.Find("name")) {
      if (auto text = String(*name, "`name`")) test_case.name = *text;
      if (!names.insert(test_case.name).second) {
        Report(*name, kInvalidValue, "two cases are named `" + test_case.name + "`");
      }
    } else {
      Report(node, kMissingKey, "a case needs a `name`");
    }
    if (const SourceNode* input = node.Find("input")) test_case.input = input->ToJson();
    const SourceNode* mocks = node.Find("mocks");
    if (mocks != nullptr && mocks->kind != Kind::kMapping) {
      Report(*mocks, kWrongType, "`mocks` maps step ids (or activity names) to results",
             "mocks: {charge: {result: {id: c1}}}");
    } else if (mocks != nullptr) {
      for (const auto& entry : mocks->entries) {
        MockSequence sequence;
        if (entry.value.kind == Kind::kSequence) {
          if (entry.value.items.empty()) {
            Report(entry.value, kInvalidValue, "an empty list of mocks");
          }
          for (const SourceNode& item : entry.value.items) {
            if (auto mock = ParseMock(item)) sequence.calls.push_back(std::move(*mock));
          }
        } else if (auto mock = ParseMock(entry.value)) {
          sequence.calls.push_back(std::move(*mock));
        }
        test_case.mocks[entry.key] = std::move(sequence);
      }
    }
    if (const SourceNode* events = node.Find("events")) {
      if (events->kind != Kind::kSequence) {
        Report(*events, kWrongType, "`events` is a list of signals, updates and queries");
      } else {
        for (const SourceNode& event : events->items) ParseEvent(event, test_case);
      }
    }
    if (const SourceNode* expect = node.Find("expect")) ParseExpect(*expect, test_case.expect);
    file.cases.push_back(std::move(test_case));
  }

 private:
  std::string_view file_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace

std::expected<TestFile, std::vector<dsl::Diagnostic>> ParseTestFile(std::string_view text,
                                                                    std::string_view file) {
  dsl::ReadResult read = dsl::ReadYaml(text, file);
  if (!read.root || !read.diagnostics.empty()) return std::unexpected(read.diagnostics);
  Parser parser(file);
  TestFile out{.file = std::string(file)};
  const SourceNode& root = *read.root;
  if (parser.CheckMapping(root, {"workflow", "cases"}, "a test file")) {
    if (const SourceNode* workflow = root.Find("workflow")) {
      if (auto text_value = parser.String(*workflow, "`workflow`")) out.workflow = *text_value;
      out.workflow_line = workflow->range.begin.line;
    } else {
      parser.Report(root, kMissingKey, "a test file needs `workflow`",
                    "the definition's path relative to this file, or its name");
    }
    const SourceNode* cases = root.Find("cases");
    if (cases == nullptr || cases->kind != Kind::kSequence || cases->items.empty()) {
      parser.Report(cases != nullptr ? *cases : root, cases == nullptr ? kMissingKey : kWrongType,
                    "a test file needs `cases`, a non-empty list");
    } else {
      std::set<std::string> names;
      for (const SourceNode& item : cases->items) parser.ParseCase(item, out, names);
    }
  }
  if (!parser.diagnostics().empty()) return std::unexpected(std::move(parser.diagnostics()));
  return out;
}

}  // namespace weft::dry_run
