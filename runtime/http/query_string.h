// Percent-decoding and query strings, as a browser sends them: `%2F` escapes in a path segment,
// `a=1&b=x+y` after the `?` (form encoding, where `+` is a space). HttpRequest keeps path and
// query undecoded; a handler decodes what it reads with these.
//
// Pure functions; thread-safe. A malformed escape (`%`, `%zz`) is kept as it was.
#ifndef WEFT_RUNTIME_HTTP_QUERY_STRING_H_
#define WEFT_RUNTIME_HTTP_QUERY_STRING_H_

#include <map>
#include <string>
#include <string_view>

namespace weft::http {

// `%xx` escapes decoded; `+` as a space too when `plus_is_space` (a query string's values).
std::string PercentDecode(std::string_view text, bool plus_is_space = false);

// "a=1&b=x+y&c" as {a: "1", b: "x y", c: ""}, names and values decoded; a name given twice
// keeps its last value.
std::map<std::string, std::string> ParseQueryString(std::string_view query);

}  // namespace weft::http

#endif  // WEFT_RUNTIME_HTTP_QUERY_STRING_H_
