// The loader: what a valid definition becomes, and the diagnostics of invalid ones (code,
// line:col, path, message and hint), all of a file's at once.
#include "dsl/loader.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "dsl/codes.h"
#include "dsl/expr/codes.h"

namespace {

using namespace weft::dsl;

std::shared_ptr<const Definition> LoadValid(const std::string& text, LoadOptions options = {}) {
  auto result = LoadDefinition(text, options);
  if (!result) {
    for (const Diagnostic& diagnostic : result.error()) FAIL_CHECK(FormatDiagnostic(diagnostic));
  }
  REQUIRE(result.has_value());
  return *result;
}

std::vector<Diagnostic> LoadInvalid(const std::string& text, LoadOptions options = {}) {
  auto result = LoadDefinition(text, options);
  REQUIRE_FALSE(result.has_value());
  return result.error();
}

// A definition around `steps`, with a default timeout so that calls are valid.
std::string WithSteps(const std::string& steps, const std::string& extra = "") {
  return "dsl: 1\nname: test\ndefaults:\n  call:\n    timeouts: {start_to_close: 30s}\n" + extra +
         "steps:\n" + steps;
}

}  // namespace

TEST_CASE("a valid definition becomes the interpreter's data model") {
  const auto definition = LoadValid(R"(dsl: 1
name: greet
version: 3
description: Says hello.
input:
  type: object
  properties: {name: {type: string}}
vars:
  count: 0
steps:
  - id: hello
    call: log.info
    args: {message: '${ "Hello, " + input.name }', level: info}
    timeouts: {start_to_close: 5s}
    result: said
  - id: bump
    set: {count: '${ vars.count + 1 }'}
output: ${ vars.said }
)",
                                    {.file = "greet.yaml"});
  CHECK(definition->name == "greet");
  CHECK(definition->version == 3);
  CHECK(definition->description == "Says hello.");
  CHECK(definition->file == "greet.yaml");
  CHECK(definition->variables == std::vector<std::string>{"count", "said"});
  REQUIRE(definition->steps.size() == 2);
  const Step& hello = definition->steps[0];
  CHECK(hello.id == "hello");
  CHECK(hello.kind() == StepKind::kCall);
  CHECK(hello.path == "/steps/0");
  CHECK(hello.range.begin.line == 11);
  CHECK(hello.range.begin.column == 5);
  CHECK(hello.result == "said");
  const auto& call = std::get<CallStep>(hello.body).call;
  CHECK(call.activity == "log.info");
  CHECK(call.timeouts.start_to_close == Duration(5000));
  REQUIRE(call.args.kind() == Template::Kind::kObject);
  CHECK(call.args.fields().at("level").literal() == "info");
  REQUIRE(call.args.fields().at("message").kind() == Template::Kind::kExpression);
  const Expression& message = call.args.fields().at("message").expression();
  CHECK(message.path == "/steps/0/args/message");
  CHECK(message.program.source() == " \"Hello, \" + input.name ");
  CHECK(definition->steps[1].kind() == StepKind::kSet);
  CHECK(definition->output.kind() == Template::Kind::kExpression);
  CHECK(definition->sha256.size() == 64);
}

TEST_CASE("defaults apply to every call, field by field") {
  const auto definition = LoadValid(R"(dsl: 1
name: defaults
defaults:
  call:
    timeouts: {start_to_close: 30s, heartbeat: 10s}
    retry: {maximum_attempts: 5, initial_interval: 1s, non_retryable_error_types: [Bad]}
    task_queue: workers
steps:
  - id: a
    call: x.a
  - id: b
    call: x.b
    timeouts: {start_to_close: 2m}
    retry: {maximum_attempts: 2}
    task_queue: special
)");
  const auto& a = std::get<CallStep>(definition->steps[0].body).call;
  CHECK(a.timeouts.start_to_close == Duration(30'000));
  CHECK(a.timeouts.heartbeat == Duration(10'000));
  CHECK(a.retry.maximum_attempts == 5);
  CHECK(a.task_queue == "workers");
  const auto& b = std::get<CallStep>(definition->steps[1].body).call;
  CHECK(b.timeouts.start_to_close == Duration(120'000));
  CHECK(b.timeouts.heartbeat == Duration(10'000));
  CHECK(b.retry.maximum_attempts == 2);
  CHECK(b.retry.initial_interval == Duration(1'000));
  CHECK(b.retry.non_retryable_error_types == std::vector<std::string>{"Bad"});
  CHECK(b.task_queue == "special");
}

TEST_CASE("an unknown key names the key it probably meant") {
  const auto diagnostics = LoadInvalid(R"(dsl: 1
name: typo
steps:
  - id: a
    call: x.a
    timeouts: {start_to_clos: 30s}
)");
  REQUIRE(diagnostics.size() == 2);  // the typo, and so the call has no timeout
  CHECK(diagnostics[0].code == codes::kMissingTimeout);
  CHECK(diagnostics[1].code == codes::kUnknownKey);
  CHECK(diagnostics[1].position.line == 6);
  CHECK(diagnostics[1].position.column == 16);
  CHECK(diagnostics[1].path == "/steps/0/timeouts/start_to_clos");
  CHECK(diagnostics[1].message == "unknown key `start_to_clos` in `timeouts`");
  CHECK(diagnostics[1].hint == "did you mean `start_to_close`?");
}

TEST_CASE("all of a file's problems are reported together, in order") {
  const auto diagnostics = LoadInvalid(R"(dsl: 1
name: Many_Problems
stepz: []
steps:
  - id: a
    wait: 5 minutes
  - id: a
    while:
      condition: ${ true }
      steps:
        - id: c
          set: {nothing: 1}
)");
  std::vector<std::string> found;
  for (const Diagnostic& diagnostic : diagnostics) {
    found.push_back(diagnostic.code + "@" + std::to_string(diagnostic.position.line));
  }
  CHECK(found == std::vector<std::string>{"WEFT1105@2", "WEFT1102@3", "WEFT1107@6", "WEFT1201@7",
                                          "WEFT1302@9", "WEFT1203@12"});
}

TEST_CASE("`dsl: 1` is required and enforced") {
  auto missing = LoadInvalid("name: x\nsteps: [{id: a, wait: 1s}]\n");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].code == codes::kDslVersion);
  CHECK(missing[0].hint == "start the file with `dsl: 1`");
  auto unknown = LoadInvalid("dsl: 2\nname: x\nsteps: [{id: a, wait: 1s}]\n");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].code == codes::kDslVersion);
  CHECK(unknown[0].position.line == 1);
  CHECK(unknown[0].position.column == 6);
}

TEST_CASE("a call needs start_to_close or schedule_to_close after defaults") {
  auto diagnostics = LoadInvalid(
      "dsl: 1\nname: x\nsteps:\n  - id: a\n    call: x.a\n    timeouts: {heartbeat: 5s}\n");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kMissingTimeout);
  CHECK(diagnostics[0].position.line == 5);
  CHECK(diagnostics[0].position.column == 11);
  LoadValid(
      "dsl: 1\nname: x\nsteps:\n  - id: a\n    call: x.a\n"
      "    timeouts: {schedule_to_close: 5m}\n");
}

TEST_CASE("compensations need timeouts too, and see their step's result") {
  LoadValid(WithSteps(R"(  - id: charge
    call: pay.charge
    compensate: {call: pay.refund, args: {id: '${ steps.charge.result.id }'}}
)"));
  auto diagnostics = LoadInvalid(R"(dsl: 1
name: x
steps:
  - id: charge
    call: pay.charge
    timeouts: {start_to_close: 1s}
    compensate: {call: pay.refund}
)");
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kMissingTimeout);
  CHECK(diagnostics[0].path == "/steps/0/compensate/call");
}

TEST_CASE("a step sees earlier steps of its block and of enclosing blocks only") {
  LoadValid(WithSteps(R"(  - id: first
    call: x.a
  - id: outer
    try:
      steps:
        - id: inner
          call: x.b
          args: {a: '${ steps.first.result }'}
        - id: after_inner
          call: x.c
          args: {b: '${ steps.inner.result }'}
      finally:
        - id: cleanup
          call: x.d
          args: {a: '${ steps.first.result }'}
)"));
  auto later = LoadInvalid(WithSteps(R"(  - id: early
    call: x.a
    args: {v: '${ steps.late.result }'}
  - id: late
    call: x.b
)"));
  REQUIRE(later.size() == 1);
  CHECK(later[0].code == codes::kUnknownStep);
  CHECK(later[0].message == "step `late` is not visible here");
  CHECK(later[0].position.line == 9);
  CHECK(later[0].position.column == 19);
  auto typo = LoadInvalid(WithSteps(R"(  - id: charge
    call: x.a
  - id: ship
    call: x.b
    args: {v: '${ steps.chrage.result }'}
)"));
  REQUIRE(typo.size() == 1);
  CHECK(typo[0].code == codes::kUnknownStep);
  CHECK(typo[0].message == "unknown step `chrage`");
  CHECK(typo[0].hint == "did you mean `charge`?");
  CHECK(typo[0].position.line == 11);
}

TEST_CASE("`set` assigns declared variables only") {
  auto diagnostics =
      LoadInvalid(WithSteps("  - id: s\n    set: {totl: 1}\n", "vars: {total: 0}\n"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kUnknownVariable);
  CHECK(diagnostics[0].hint ==
        "did you mean `total`? Otherwise declare it under `vars` with its initial value");
}

TEST_CASE("unknown variables in expressions are errors at load time") {
  auto diagnostics = LoadInvalid(
      WithSteps("  - id: s\n    set: {total: '${ vars.totl + 1 }'}\n", "vars: {total: 0}\n"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kUnknownVariable);
  CHECK(diagnostics[0].message == "unknown variable `totl`");
  CHECK(diagnostics[0].hint == "did you mean `total`?");
}

TEST_CASE("handler names may not clash across queries, signals and updates") {
  auto diagnostics = LoadInvalid(WithSteps("  - id: w\n    wait: 1s\n", R"(vars: {state: 0}
handlers:
  queries:
    state: ${ vars.state }
  signals:
    state: {set: {state: 1}}
)"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kHandlerClash);
  CHECK(diagnostics[0].message == "`state` is both a query and a signal");
}

TEST_CASE("now(), uuid() and random() are refused where nothing can record them") {
  auto diagnostics = LoadInvalid(WithSteps("  - id: w\n    wait: 1s\n", R"(handlers:
  queries:
    id: ${ uuid() }
)"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == weft::dsl::expr::codes::kRecordedNotAllowed);
  LoadValid(WithSteps("  - id: s\n    set: {id: '${ uuid() }'}\n", "vars: {id: null}\n"));
}

TEST_CASE("while needs max_iterations") {
  auto diagnostics = LoadInvalid(WithSteps(R"(  - id: loop
    while:
      condition: ${ true }
      steps:
        - id: w
          wait: 1s
)"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kMissingMaxIterations);
  CHECK(diagnostics[0].position.line == 9);
}

TEST_CASE("conditions must be bool") {
  auto diagnostics = LoadInvalid(WithSteps("  - id: w\n    when: ${ 1 + 2 }\n    wait: 1s\n"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kNotBool);
}

TEST_CASE("expression errors point inside the expression") {
  auto diagnostics =
      LoadInvalid(WithSteps("  - id: s\n    set: {x: '${ input.a + + }'}\n", "vars: {x: 0}\n"));
  REQUIRE_FALSE(diagnostics.empty());
  CHECK(diagnostics[0].code.starts_with("WEFT20"));
  CHECK(diagnostics[0].position.line == 9);
  CHECK(diagnostics[0].position.column > 22);
}

TEST_CASE("an expression is a whole string; splicing is refused with a fix") {
  auto spliced = LoadInvalid(
      WithSteps("  - id: s\n    set: {x: \"order ${ input.id }\"}\n", "vars: {x: 0}\n"));
  REQUIRE(spliced.size() == 1);
  CHECK(spliced[0].code == codes::kSplicedExpression);
  auto jinja =
      LoadInvalid(WithSteps("  - id: s\n    set: {x: '{{ input.id }}'}\n", "vars: {x: 0}\n"));
  REQUIRE(jinja.size() == 1);
  CHECK(jinja[0].code == codes::kForeignExpressionSyntax);
  CHECK(jinja[0].hint == "write `${ input.id }`");
}

TEST_CASE("a whole-string expression keeps its JSON type; $${ is a literal") {
  const auto definition =
      LoadValid(WithSteps("  - id: s\n    set: {x: '${ 41 + 1 }', y: '$${ not an expression }'}\n",
                          "vars: {x: 0, y: ''}\n"));
  const auto& set = std::get<SetStep>(definition->steps[0].body);
  REQUIRE(set.assignments.size() == 2);
  CHECK(set.assignments[0].value.kind() == Template::Kind::kExpression);
  CHECK(set.assignments[0].value.expression().program.result_type().kind() ==
        weft::dsl::expr::Type::Kind::kInt);
  CHECK(set.assignments[1].value.literal() == "${ not an expression }");
}

TEST_CASE("templates evaluate to JSON with their expressions' values") {
  const auto definition = LoadValid(WithSteps(
      "  - id: c\n    call: x.a\n    args: {n: '${ input.n * 2 }', s: [a, '${ input.s }']}\n"));
  const auto& args = std::get<CallStep>(definition->steps[0].body).call.args;
  const nlohmann::json values = {{"input", {{"n", 21}, {"s", "b"}}}};
  weft::dsl::expr::EvalContext context{.values = &values};
  auto value = args.Evaluate(context);
  REQUIRE(value.has_value());
  CHECK(*value == nlohmann::json{{"n", 42}, {"s", {"a", "b"}}});
}

TEST_CASE("durations are checked") {
  auto diagnostics = LoadInvalid(WithSteps("  - id: w\n    wait: PT5M\n"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kInvalidDuration);
  CHECK(diagnostics[0].hint == "write durations like `30s`, `5m`, `1h30m`, `250ms` or `2d`");
}

TEST_CASE("await names a declared signal") {
  auto diagnostics = LoadInvalid(WithSteps("  - id: a\n    await: {signal: aprove, timeout: 1h}\n",
                                           "handlers:\n  signals:\n    approve: {}\n"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kUnknownSignal);
  CHECK(diagnostics[0].hint == "did you mean `approve`?");
}

TEST_CASE("with a catalogue of activities, unknown activities are errors") {
  const std::string text = WithSteps("  - id: a\n    call: payments.chrage\n");
  LoadValid(text);
  auto diagnostics =
      LoadInvalid(text, {.known_activities = std::set<std::string>{"payments.charge", "log.info"}});
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kUnknownActivity);
  CHECK(diagnostics[0].hint == "did you mean `payments.charge`?");
}

TEST_CASE("a call into an activity module that does not load says so, and why") {
  const std::string text = WithSteps("  - id: a\n    call: billing.charge\n");
  auto diagnostics =
      LoadInvalid(text, {.known_activities = std::set<std::string>{"log.info"},
                         .broken_activity_modules = {{"billing",
                                                      "activities/billing.lua: billing.lua:3: "
                                                      "'end' expected near <eof>"}}});
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kUnknownActivity);
  CHECK(diagnostics[0].message ==
        "unknown activity `billing.charge`: its module `billing` does not load");
  CHECK_THAT(diagnostics[0].hint, Catch::StartsWith("activities/billing.lua: billing.lua:3: "));
}

TEST_CASE("a step has exactly one kind, and foreign kinds get a fix") {
  auto none = LoadInvalid(WithSteps("  - id: a\n    sleep: 5s\n"));
  REQUIRE(none.size() == 1);
  CHECK(none[0].code == codes::kStepKind);
  CHECK(none[0].hint == "`sleep` is not a step kind; weft writes it `wait`");
  auto two = LoadInvalid(WithSteps("  - id: a\n    wait: 5s\n    call: x.a\n"));
  REQUIRE(two.size() == 1);
  CHECK(two[0].code == codes::kStepKind);
}

TEST_CASE("steps after return or fail are unreachable") {
  auto diagnostics = LoadInvalid(WithSteps("  - id: a\n    return: 1\n  - id: b\n    wait: 1s\n"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].code == codes::kUnreachableStep);
}

TEST_CASE("diagnostics print like a compiler's") {
  Diagnostic diagnostic{.code = "WEFT1102",
                        .file = "a.yaml",
                        .position = {.line = 2, .column = 3, .offset = 9},
                        .path = "/x/y",
                        .message = "unknown key `y`",
                        .hint = "did you mean `z`?"};
  CHECK(FormatDiagnostic(diagnostic, "dsl: 1\nx: {y: 1}\n") ==
        "a.yaml:2:3: error[WEFT1102]: unknown key `y`\n    x: {y: 1}\n      ^\n  at /x/y\n"
        "  hint: did you mean `z`?\n");
}

TEST_CASE("an inline Lua call is the built-in lua.inline with its chunk") {
  const auto definition = LoadValid(WithSteps(R"(  - id: total
    call: {lua: "return {total = input.price * 2}"}
    args: {price: '${ input.price }'}
)",
                                              "input: {type: object, properties: {price: {type: "
                                              "number}}}\n"),
                                    {.known_activities = std::set<std::string>{"lua.inline"}});
  const auto& call = std::get<CallStep>(definition->steps.at(0).body).call;
  CHECK(call.activity == kInlineLuaActivity);
  REQUIRE(call.inline_lua);
  CHECK(*call.inline_lua == "return {total = input.price * 2}");
  CHECK(call.timeouts.start_to_close);

  // Its chunk is part of the definition's meaning: another chunk, another hash.
  const auto other = LoadValid(WithSteps(R"(  - id: total
    call: {lua: "return {total = input.price * 3}"}
    args: {price: '${ input.price }'}
)",
                                         "input: {type: object, properties: {price: {type: "
                                         "number}}}\n"));
  CHECK(other->sha256 != definition->sha256);
}

TEST_CASE("a file's diagnostics as text show its source line under each") {
  const std::string source = "dsl: 1\nname: Bad Name\nsteps: []\n";
  const auto path = std::filesystem::temp_directory_path() /
                    ("weft-loader-test-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path, std::ios::trunc) << source;
  auto result = LoadDefinitionFile(path);
  REQUIRE_FALSE(result.has_value());
  std::string with_source, without_source;
  for (const Diagnostic& diagnostic : result.error()) {
    with_source += FormatDiagnostic(diagnostic, source);
    without_source += FormatDiagnostic(diagnostic);
  }
  CHECK(FormatFileDiagnostics(path, result.error()) == with_source);
  CHECK(with_source.find("name: Bad Name") != std::string::npos);  // the line, read again
  std::filesystem::remove(path);
  // The file gone, the diagnostics are still there, without their source lines.
  CHECK(FormatFileDiagnostics(path, result.error()) == without_source);
}
