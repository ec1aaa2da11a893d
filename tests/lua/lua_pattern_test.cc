// The sandbox's pattern functions (runtime/lua/lua_pattern.h) against the standard library's:
// one plain Lua state holds both, and every case runs through each, requiring the same results
// and the same errors. Then the budget: a match that backtracks for ever is stopped by it.
#include "runtime/lua/lua_pattern.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <lua.hpp>
#include <string>

namespace {

// Counts what it is charged; raises once `limit` is passed.
class CountingBudget final : public weft::lua::PatternBudget {
 public:
  explicit CountingBudget(std::int64_t limit) : limit_(limit) {}
  void Charge(lua_State* L, std::int64_t steps) override {
    used_ += steps;
    if (used_ > limit_) luaL_error(L, "instruction budget exhausted");
  }
  std::int64_t used() const { return used_; }

 private:
  std::int64_t limit_;
  std::int64_t used_ = 0;
};

// A state with the standard library, and `bounded`, a copy of `string` whose pattern
// functions are ours.
struct TwoLibraries {
  explicit TwoLibraries(std::int64_t limit) : budget(limit), L(luaL_newstate()) {
    luaL_openlibs(L);
    lua_newtable(L);
    for (const char* name : {"find", "match", "gmatch", "gsub"}) {
      lua_getglobal(L, "string");
      lua_getfield(L, -1, name);
      lua_setfield(L, -3, name);
      lua_pop(L, 1);
    }
    weft::lua::InstallBoundedPatterns(L, -1, &budget);
    lua_setglobal(L, "bounded");
  }
  ~TwoLibraries() { lua_close(L); }

  // Runs `script`; its error, or "" when it ran through.
  std::string Run(const std::string& script) {
    if (luaL_dostring(L, script.c_str()) == LUA_OK) return "";
    std::string error = lua_tostring(L, -1);
    lua_pop(L, 1);
    return error;
  }

  CountingBudget budget;
  lua_State* L;
};

// Lua helpers: `same(label, f, ...)` calls string[f] and bounded[f] with the arguments and
// fails with both answers when they differ; gmatch is collected into a list.
constexpr char kCompare[] = R"lua(
local function answers(library, f, ...)
  if f == "gmatch" then
    local ok, iterator = pcall(library.gmatch, ...)
    if not ok then return {false, iterator} end
    local all = {true}
    local ok2, err = pcall(function()
      for a, b, c in iterator do all[#all + 1] = tostring(a) .. "|" .. tostring(b) .. "|" .. tostring(c) end
    end)
    if not ok2 then all[#all + 1] = "error: " .. err end
    return all
  end
  return table.pack(pcall(library[f], ...))
end
-- An argument error names the function as package.loaded finds it: 'string.gsub' for the
-- standard one, '?' for this test's copy (in the sandbox both are string.gsub).
local function show(t)
  local parts = {}
  for i = 1, (t.n or #t) do parts[#parts + 1] = (tostring(t[i]):gsub("to 'string%.%a+'", "to '?'")) end
  return "{" .. table.concat(parts, ", ") .. "}"
end
checked = 0
function same(f, ...)
  local expected, got = answers(string, f, ...), answers(bounded, f, ...)
  local a, b = show(expected), show(got)
  if a ~= b then
    local args = {}
    for i = 1, select("#", ...) do args[#args + 1] = string.format("%q", tostring((select(i, ...)))) end
    error(f .. "(" .. table.concat(args, ", ") .. "): standard " .. a .. ", bounded " .. b, 0)
  end
  checked = checked + 1
end
)lua";

}  // namespace

TEST_CASE("find, match, gmatch and gsub answer as the standard library's, errors included") {
  TwoLibraries lua(1'000'000'000);
  REQUIRE(lua.Run(kCompare).empty());
  const std::string cases = R"lua(
local subjects = {"", "hello world", "  key = value  ", "THE (quick) fox", "a,b,,c",
  "aaa", "x = 1, y = 22, z = 333", "[[nested]]", "f(a(b)c)d", "THE0123x\0nul", "caf\195\169",
  "one two  three", "%d", "a.b.c", "2024-12-05T10:00:00Z"}
local patterns = {"", "o", "l+", "l*", "l-", "l?", "^h", "d$", "^$", "(%w+)", "(%w+)%s*=%s*(%w+)",
  "%a+", "%A+", "%d+", "%D", "%s", "%S+", "%p", "%u%l*", "%x+", "%c", "%g+", "[aeiou]", "[^aeiou ]+",
  "[%d,]+", "[a-f]", "[]]", "[^]]", "[%]]", "[a-]", "(.)(.)", "()", "()l()", "(h)(e)(l)", "%bxy",
  "%b()", "%b[]", "%f[%w]%w+", "%f[%W]", "%f[%l]", "(a*(.)%w(%s*))", "(.-)%s", ".-b", "a.-c",
  "(%d+)-(%d+)", "^(%d%d%d%d)%-(%d%d)", "(l)%1", "(o).*%1", "%.", "%%", "$", "^", "x*$", "[%a_][%w_]*",
  "%w+$", ".", ".*", ".+", "^.-$", "%z", "%e", "[", "[a", "%", "(", ")", "%1", "(()", "%b", "%ba",
  "%f", "%fa", "(%w+)=(%w+)", "[%w-]+", "[+-]?%d+", "%s*(.-)%s*$"}
for _, s in ipairs(subjects) do
  for _, p in ipairs(patterns) do
    same("find", s, p)
    same("find", s, p, 3)
    same("find", s, p, -4)
    same("find", s, p, 100)
    same("find", s, p, 1, true)
    same("match", s, p)
    same("match", s, p, 2)
    same("match", s, p, -3)
    same("gmatch", s, p)
    same("gmatch", s, p, 4)
    same("gsub", s, p, "<%0>")
    same("gsub", s, p, "%1-%1")
    same("gsub", s, p, "%%", 2)
    same("gsub", s, p, "%2")
    same("gsub", s, p, "%9")
    same("gsub", s, p, "bad %x")
    same("gsub", s, p, "end%")
    same("gsub", s, p, {hello = "HI", o = 0, l = false, key = true})
    same("gsub", s, p, function(a, b) if a == "l" then return nil end return (a or "") .. "!" .. tostring(b) end)
    same("gsub", s, p, function() return {} end)
    same("gsub", s, p, "x", 0)
    same("gsub", s, p, "x", -1)
  end
end
same("gsub", "abc", "%w", 7)
same("gsub", "abc", "%w", nil)
same("find", "abc", nil)
same("find", 12345, 3)
same("gsub", "hello", "", "-")
same("gsub", "hello world", "%w+", "%0 %0", 1)
same("match", string.rep("(", 40) .. string.rep(")", 40), string.rep("(", 40) .. string.rep(")", 40))
same("match", "x", string.rep("(", 33) .. "x" .. string.rep(")", 33))
same("match", string.rep("a", 300), string.rep("a?", 300) .. string.rep("a", 300))
)lua";
  const std::string error = lua.Run(cases);
  INFO(error);
  CHECK(error.empty());
  lua_getglobal(lua.L, "checked");
  CHECK(lua_tointeger(lua.L, -1) > 25'000);
}

TEST_CASE("random patterns on random subjects answer as the standard library's") {
  TwoLibraries lua(1'000'000'000);
  REQUIRE(lua.Run(kCompare).empty());
  const std::string error = lua.Run(R"lua(
math.randomseed(20261205)
local atoms = {"a", "b", ".", "%a", "%d", "%s", "[ab]", "[^a]", "%b()", "%f[a]", "(", ")", "()",
  "%1", "^", "$", "%", "[", "]", "-", "*", "+", "?", "x", "1", " "}
local letters = {"a", "b", "x", "1", " ", "(", ")", "-"}
for _ = 1, 20000 do
  local p = {}
  for _ = 1, math.random(1, 6) do p[#p + 1] = atoms[math.random(#atoms)] end
  local s = {}
  for _ = 1, math.random(0, 10) do s[#s + 1] = letters[math.random(#letters)] end
  p, s = table.concat(p), table.concat(s)
  same("find", s, p)
  same("match", s, p, math.random(-3, 4))
  same("gmatch", s, p)
  same("gsub", s, p, "[%0]")
end
)lua");
  INFO(error);
  CHECK(error.empty());
}

TEST_CASE("a match that backtracks for ever is stopped by the budget, and is charged") {
  TwoLibraries lua(50'000'000);
  const std::string subject = "local s = string.rep('a', 100000) ";
  for (const std::string call : {"bounded.find(s, string.rep('a*', 10) .. 'b')",
                                 "bounded.match(s, string.rep('a*', 10) .. 'b')",
                                 "for x in bounded.gmatch(s, string.rep('a*', 10) .. 'b') do end",
                                 "bounded.gsub(s, string.rep('a*', 10) .. 'b', '')"}) {
    const std::int64_t before = lua.budget.used();
    INFO(call);
    CHECK_THAT(lua.Run(subject + call), Catch::Contains("instruction budget exhausted"));
    CHECK(lua.budget.used() > before);
    lua.budget = CountingBudget(50'000'000);
  }
  // Ordinary use is charged about what it does: a linear scan of 100,000 bytes.
  CHECK(lua.Run(subject + "assert(bounded.find(s, 'a+$') == 1)").empty());
  CHECK(lua.budget.used() < 1'000'000);
}
