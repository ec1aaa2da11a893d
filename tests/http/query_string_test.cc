// Percent-decoding and query strings, as browsers encode them.
#include "runtime/http/query_string.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

using weft::http::ParseQueryString;
using weft::http::PercentDecode;

TEST_CASE("Escapes decode; a plus is a space only in a query string; bad escapes stay") {
  CHECK(PercentDecode("a%2Fb%20c") == "a/b c");
  CHECK(PercentDecode("%e2%9c%93") == "\xe2\x9c\x93");
  CHECK(PercentDecode("x+y") == "x+y");
  CHECK(PercentDecode("x+y", true) == "x y");
  CHECK(PercentDecode("100%") == "100%");
  CHECK(PercentDecode("%zz%4") == "%zz%4");
}

TEST_CASE("A query string is names and values, decoded; the last of a name wins") {
  const std::map<std::string, std::string> expected = {
      {"workflow", "order clothes"}, {"q", "a&b"}, {"flag", ""}, {"page", "2"}};
  CHECK(ParseQueryString("workflow=order+clothes&q=a%26b&flag&&page=1&page=2") == expected);
  CHECK(ParseQueryString("").empty());
}
