// The weft command line, run as a user runs it: results on stdout, logs on stderr, exit codes
// that scripts can trust.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

using weft::testing::RunProcess;
using weft::testing::WeftBinary;

TEST_CASE("weft version names weft's version and the Temporal API it was built against") {
  auto result = RunProcess({WeftBinary(), "version"});
  REQUIRE(result.exit_code == 0);
  CHECK(std::regex_search(result.out, std::regex(R"(^weft \d+\.\d+\.\d+\n)")));
  CHECK(std::regex_search(result.out, std::regex(R"(Temporal API \d+\.\d+\.\d+ )")));
  CHECK_THAT(result.out, Catch::Contains("@temporalio/core-bridge@"));
  CHECK(result.err.empty());
}

TEST_CASE("weft version --json is one JSON object for machines") {
  auto result = RunProcess({WeftBinary(), "version", "--json"});
  REQUIRE(result.exit_code == 0);
  auto version = nlohmann::json::parse(result.out);
  CHECK(version["weft"].is_string());
  CHECK(
      std::regex_match(version["temporal_api"].get<std::string>(), std::regex(R"(\d+\.\d+\.\d+)")));
}

TEST_CASE("weft --help lists the commands and the log level") {
  auto result = RunProcess({WeftBinary(), "--help"});
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("version"));
  CHECK_THAT(result.out, Catch::Contains("--log-level"));
}

TEST_CASE("logs go to stderr and never mix with results on stdout") {
  auto quiet = RunProcess({WeftBinary(), "version"});
  auto verbose = RunProcess({WeftBinary(), "--log-level", "debug", "version"});
  REQUIRE(verbose.exit_code == 0);
  CHECK(verbose.out == quiet.out);
  CHECK_THAT(verbose.err, Catch::Contains("weft"));
  CHECK_FALSE(verbose.err.empty());

  auto silent = RunProcess({WeftBinary(), "--log-level", "off", "version"});
  CHECK(silent.err.empty());
}

TEST_CASE("a bad log level is refused with the choices") {
  auto result = RunProcess({WeftBinary(), "--log-level", "loud", "version"});
  CHECK(result.exit_code != 0);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("loud"));
  CHECK_THAT(result.err, Catch::Contains("debug"));
}

TEST_CASE("no command, or an unknown one, is an error on stderr") {
  auto none = RunProcess({WeftBinary()});
  CHECK(none.exit_code != 0);
  CHECK_FALSE(none.err.empty());

  auto unknown = RunProcess({WeftBinary(), "frobnicate"});
  CHECK(unknown.exit_code != 0);
  CHECK_THAT(unknown.err, Catch::Contains("frobnicate"));
}

TEST_CASE("a usage error exits 2 and names the argument; --help and --version exit 0") {
  auto bad_value = RunProcess({WeftBinary(), "list", "--status", "bogus"});
  CHECK(bad_value.exit_code == 2);
  CHECK_THAT(bad_value.err, Catch::Contains("--status: bogus not in"));
  auto missing = RunProcess({WeftBinary(), "run"});
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains("workflow is required"));
  auto unknown_flag = RunProcess({WeftBinary(), "list", "--frob"});
  CHECK(unknown_flag.exit_code == 2);
  CHECK_THAT(unknown_flag.err, Catch::Contains("--frob"));
  CHECK(RunProcess({WeftBinary(), "list", "--help"}).exit_code == 0);
  CHECK(RunProcess({WeftBinary(), "--version"}).exit_code == 0);
}

TEST_CASE("an unknown command is an error with a suggestion, --help or not") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"reslt", "--help"}, std::vector<std::string>{"reslt", "x"},
        std::vector<std::string>{"--log-level", "warn", "reslt"}}) {
    std::vector<std::string> argv{WeftBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = RunProcess(argv);
    INFO(args.front());
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::Contains("unknown command \"reslt\""));
    CHECK_THAT(result.err, Catch::Contains("did you mean \"result\"?"));
  }
  auto far = RunProcess({WeftBinary(), "schedul", "--help"});
  CHECK(far.exit_code == 2);
  CHECK_THAT(far.err, Catch::Contains("unknown command \"schedul\""));
}

TEST_CASE("an --input that is not good JSON is a usage error that says why, never a crash") {
  // hello is looked up nowhere: the input is read before the definition.
  for (const auto& [input, why] : std::vector<std::pair<std::string, std::string>>{
           {R"({"name": 1e999})", "number overflow parsing '1e999'"},
           {R"({"name": "a", "name": "b"})", "the key \"name\" appears twice"},
           {std::string(20000, '[') + std::string(20000, ']'), "nested deeper than 256"}}) {
    auto result = RunProcess(
        {WeftBinary(), "run", "hello", "--journal", "/nonexistent/j.db", "--input", input});
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err,
               Catch::Contains("invalid JSON in the value of --input") && Catch::Contains(why));
  }
}

TEST_CASE("a flag several commands share reads the same environment variable in every one") {
  // A shell set up once (WEFT_JOURNAL=...) must mean the same to `weft run` as to `weft ui`.
  const std::vector<std::pair<std::string, std::string>> shared = {
      {"--journal", "WEFT_JOURNAL"},
      {"--workflows", "WEFT_WORKFLOWS"},
      {"--lua-dir", "WEFT_LUA_DIR"}};
  auto main_help = RunProcess({WeftBinary(), "--help"});
  REQUIRE(main_help.exit_code == 0);
  // The command names, as --help lists them: an indented word at the start of a line, after
  // the line "Subcommands:".
  const auto subcommands = main_help.out.find("Subcommands:");
  REQUIRE(subcommands != std::string::npos);
  const auto listed = main_help.out.substr(subcommands);
  std::vector<std::string> commands;
  const std::regex command_line(R"(\n  ([a-z][a-z-]*)\s)");
  for (std::sregex_iterator it(listed.begin(), listed.end(), command_line), end; it != end; ++it) {
    commands.push_back((*it)[1]);
  }
  REQUIRE(commands.size() > 20);
  int flags_seen = 0;
  for (const auto& command : commands) {
    auto help = RunProcess({WeftBinary(), command, "--help"});
    REQUIRE(help.exit_code == 0);
    for (const auto& [flag, env] : shared) {
      // An option's entry runs from its name to the next line that begins another option.
      const auto at = help.out.find("  " + flag + " ");
      if (at == std::string::npos) continue;
      const auto next = help.out.find("\n  -", at + 1);
      const auto entry = help.out.substr(at, next == std::string::npos ? next : next - at);
      INFO("weft " << command << " " << flag << ":\n" << entry);
      CHECK_THAT(entry, Catch::Contains("Env:" + env));
      ++flags_seen;
    }
  }
  CHECK(flags_seen > 15);
}
