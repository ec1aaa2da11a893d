// ParseJsonArgument: JSON inline, from a file or from stdin, and errors that name the flag
// (runtime/client/json_argument.h).
#include "runtime/client/json_argument.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace weft::client {
namespace {

TEST_CASE("inline JSON, or the absent value when the flag was not given") {
  CHECK(ParseJsonArgument(R"({"name": "Ada"})", "--input").value() ==
        nlohmann::json{{"name", "Ada"}});
  CHECK(ParseJsonArgument("", "--input").value().is_null());
  CHECK(ParseJsonArgument("", "--input", nlohmann::json::object()).value() ==
        nlohmann::json::object());
}

TEST_CASE("@file reads the file; a file that is not there names the flag and the path") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("weft-json-argument-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path, std::ios::trunc) << "[1, 2]";
  CHECK(ParseJsonArgument("@" + path.string(), "--input").value() == nlohmann::json{1, 2});
  std::filesystem::remove(path);
  CHECK(ParseJsonArgument("@" + path.string(), "--input").error() ==
        "--input: cannot read " + path.string());
}

TEST_CASE("a parse error names where the text came from") {
  const auto error = ParseJsonArgument("{oops", "--input");
  REQUIRE_FALSE(error.has_value());
  CHECK(error.error().find("--input") != std::string::npos);
}

}  // namespace
}  // namespace weft::client
