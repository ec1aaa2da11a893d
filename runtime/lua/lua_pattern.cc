#include "runtime/lua/lua_pattern.h"

#include <cctype>
#include <cstddef>
#include <cstring>
#include <lua.hpp>
#include <utility>

namespace weft::lua {
namespace {

constexpr int kMaxCaptures = 32;  // LUA_MAXCAPTURES
constexpr int kMaxDepth = 200;    // the matcher's recursion, as the standard library allows
constexpr std::int64_t kStepsPerCharge = 1024;
// Work that scans text (a set, a back-reference compared, a plain search) costs a step per this
// many bytes on top of its one: a pattern of one long set, or `(.*)%1` on a long subject, does
// that much work per attempt, and would otherwise run for minutes within its budget.
constexpr std::ptrdiff_t kBytesPerStep = 64;
constexpr std::ptrdiff_t kUnfinished = -1;  // a capture still open
constexpr std::ptrdiff_t kPosition = -2;    // a position capture, `()`
constexpr char kEscape = '%';
constexpr char kSpecials[] = "^$*+?.([%-";

int Byte(char c) { return static_cast<unsigned char>(c); }

struct Capture {
  const char* begin;
  std::ptrdiff_t length;  // or kUnfinished, kPosition
};

// Whether byte `c` is in the class `%<letter>`; an upper-case letter is the complement, any
// other character stands for itself.
bool InClass(int c, int letter) {
  bool in = false;
  switch (std::tolower(letter)) {
    case 'a':
      in = std::isalpha(c) != 0;
      break;
    case 'c':
      in = std::iscntrl(c) != 0;
      break;
    case 'd':
      in = std::isdigit(c) != 0;
      break;
    case 'g':
      in = std::isgraph(c) != 0;
      break;
    case 'l':
      in = std::islower(c) != 0;
      break;
    case 'p':
      in = std::ispunct(c) != 0;
      break;
    case 's':
      in = std::isspace(c) != 0;
      break;
    case 'u':
      in = std::isupper(c) != 0;
      break;
    case 'w':
      in = std::isalnum(c) != 0;
      break;
    case 'x':
      in = std::isxdigit(c) != 0;
      break;
    case 'z':  // deprecated since 5.2, still in 5.4: the NUL byte
      in = c == 0;
      break;
    default:
      return letter == c;
  }
  return std::isupper(letter) != 0 ? !in : in;
}

// Whether byte `c` is in the set that starts at `open` ('[') and ends at `close` (']').
bool InSet(int c, const char* open, const char* close) {
  const char* p = open + 1;
  bool member = true;
  if (*p == '^') {
    member = false;
    ++p;
  }
  for (; p < close; ++p) {
    if (*p == kEscape) {
      ++p;
      if (InClass(c, Byte(*p))) return member;
    } else if (p[1] == '-' && p + 2 < close) {
      if (Byte(p[0]) <= c && c <= Byte(p[2])) return member;
      p += 2;
    } else if (Byte(*p) == c) {
      return member;
    }
  }
  return !member;
}

// One match attempt's state. Plain data: Lua errors longjmp over the frames that hold it.
struct Matcher {
  lua_State* L;
  PatternBudget* budget;
  const char* subject;
  const char* subject_end;
  const char* pattern_end;
  std::int64_t steps;  // not yet charged
  int depth_left;
  int level;  // captures opened so far
  Capture captures[kMaxCaptures];

  void Reset() {
    level = 0;
    depth_left = kMaxDepth;
  }
  void Step() {
    if (++steps >= kStepsPerCharge) Flush();
  }
  void ChargeBytes(std::ptrdiff_t bytes) { steps += bytes / kBytesPerStep; }
  void Flush() {
    const std::int64_t charged = steps;
    steps = 0;
    if (charged > 0) budget->Charge(L, charged);
  }

  // Where the single-character item at `p` ends (past its class or set).
  const char* ItemEnd(const char* p) {
    const char* start = p;
    const char c = *p++;
    if (c == kEscape) {
      if (p >= pattern_end) luaL_error(L, "malformed pattern (ends with '%%')");
      return p + 1;
    }
    if (c == '[') {
      if (*p == '^') ++p;
      do {  // the first character of a set may be ']'
        if (p >= pattern_end) luaL_error(L, "malformed pattern (missing ']')");
        const char d = *p++;
        if (d == kEscape && p < pattern_end) ++p;
      } while (*p != ']');
      ChargeBytes(p - start);
      return p + 1;
    }
    return p;
  }

  bool ItemMatches(const char* s, const char* p, const char* item_end) {
    if (s >= subject_end) return false;
    const int c = Byte(*s);
    switch (*p) {
      case '.':
        return true;
      case kEscape:
        return InClass(c, Byte(p[1]));
      case '[':
        ChargeBytes(item_end - p);
        return InSet(c, p, item_end - 1);
      default:
        return Byte(*p) == c;
    }
  }

  // `%bxy` at `s`: the end of a balanced x...y, or null.
  const char* Balanced(const char* s, const char* p) {
    if (p >= pattern_end - 1) {
      luaL_error(L, "malformed pattern (missing arguments to '%%b')");
    }
    if (s >= subject_end || *s != *p) return nullptr;
    const char open = p[0];
    const char close = p[1];
    int depth = 1;
    while (++s < subject_end) {
      Step();
      if (*s == close) {
        if (--depth == 0) return s + 1;
      } else if (*s == open) {
        ++depth;
      }
    }
    return nullptr;
  }

  // Greedy `*` and `+`: as many as match, then back off one at a time.
  const char* Longest(const char* s, const char* p, const char* item_end) {
    std::ptrdiff_t count = 0;
    while (ItemMatches(s + count, p, item_end)) {
      Step();
      ++count;
    }
    for (; count >= 0; --count) {
      if (const char* end = Match(s + count, item_end + 1)) return end;
    }
    return nullptr;
  }

  // Lazy `-`: as few as let the rest match.
  const char* Shortest(const char* s, const char* p, const char* item_end) {
    while (true) {
      if (const char* end = Match(s, item_end + 1)) return end;
      if (!ItemMatches(s, p, item_end)) return nullptr;
      ++s;
    }
  }

  const char* OpenCapture(const char* s, const char* p, std::ptrdiff_t kind) {
    if (level >= kMaxCaptures) luaL_error(L, "too many captures");
    captures[level] = {s, kind};
    ++level;
    const char* end = Match(s, p);
    if (end == nullptr) --level;
    return end;
  }

  const char* CloseCapture(const char* s, const char* p) {
    int open = level - 1;
    while (open >= 0 && captures[open].length != kUnfinished) --open;
    if (open < 0) luaL_error(L, "invalid pattern capture");
    captures[open].length = s - captures[open].begin;
    const char* end = Match(s, p);
    if (end == nullptr) captures[open].length = kUnfinished;
    return end;
  }

  // `%1`..`%9` in a pattern: the text the capture holds, again.
  const char* SameAsCapture(const char* s, int digit) {
    const int index = digit - '1';
    if (index < 0 || index >= level || captures[index].length == kUnfinished) {
      luaL_error(L, "invalid capture index %%%d", index + 1);
    }
    const std::ptrdiff_t length = captures[index].length;
    ChargeBytes(length);
    if (length < 0 || subject_end - s < length ||
        std::memcmp(captures[index].begin, s, static_cast<std::size_t>(length)) != 0) {
      return nullptr;  // a position capture never matches text
    }
    return s + length;
  }

  // Matches pattern `p` (up to pattern_end) at `s`: where the match ends, or null.
  const char* Match(const char* s, const char* p) {
    if (depth_left-- == 0) luaL_error(L, "pattern too complex");
    while (s != nullptr && p != pattern_end) {
      Step();
      if (*p == '(') {
        s = p[1] == ')' ? OpenCapture(s, p + 2, kPosition) : OpenCapture(s, p + 1, kUnfinished);
        break;
      }
      if (*p == ')') {
        s = CloseCapture(s, p + 1);
        break;
      }
      if (*p == '$' && p + 1 == pattern_end) {
        if (s != subject_end) s = nullptr;
        break;
      }
      if (*p == kEscape && p[1] == 'b') {
        s = Balanced(s, p + 2);
        p += 4;
        continue;
      }
      if (*p == kEscape && p[1] == 'f') {
        p += 2;
        if (*p != '[') luaL_error(L, "missing '[' after '%%f' in pattern");
        const char* set_end = ItemEnd(p);
        const int before = s == subject ? 0 : Byte(s[-1]);
        const int at = s < subject_end ? Byte(*s) : 0;
        ChargeBytes(set_end - p);
        if (InSet(before, p, set_end - 1) || !InSet(at, p, set_end - 1)) s = nullptr;
        p = set_end;
        continue;
      }
      if (*p == kEscape && std::isdigit(Byte(p[1])) != 0) {
        s = SameAsCapture(s, Byte(p[1]));
        p += 2;
        continue;
      }
      const char* item_end = ItemEnd(p);
      const char suffix = item_end < pattern_end ? *item_end : '\0';
      if (!ItemMatches(s, p, item_end)) {
        if (suffix == '*' || suffix == '?' || suffix == '-') {  // zero of them will do
          p = item_end + 1;
          continue;
        }
        s = nullptr;
        break;
      }
      if (suffix == '?') {
        if (const char* end = Match(s + 1, item_end + 1)) {
          s = end;
          break;
        }
        p = item_end + 1;
        continue;
      }
      if (suffix == '+') {
        s = Longest(s + 1, p, item_end);
        break;
      }
      if (suffix == '*') {
        s = Longest(s, p, item_end);
        break;
      }
      if (suffix == '-') {
        s = Shortest(s, p, item_end);
        break;
      }
      ++s;
      p = item_end;
    }
    ++depth_left;
    return s;
  }

  // Capture `index` of the match [s, e), pushed; the whole match when there are no captures.
  void PushCapture(int index, const char* s, const char* e) {
    if (index >= level) {
      if (index != 0) luaL_error(L, "invalid capture index %%%d", index + 1);
      lua_pushlstring(L, s, static_cast<std::size_t>(e - s));
      return;
    }
    const Capture& capture = captures[index];
    if (capture.length == kUnfinished) luaL_error(L, "unfinished capture");
    if (capture.length == kPosition) {
      lua_pushinteger(L, static_cast<lua_Integer>(capture.begin - subject) + 1);
    } else {
      lua_pushlstring(L, capture.begin, static_cast<std::size_t>(capture.length));
    }
  }

  // Every capture (or the whole match, when `s` is given and there is none); their count.
  int PushCaptures(const char* s, const char* e) {
    const int count = level == 0 && s != nullptr ? 1 : level;
    luaL_checkstack(L, count, "too many captures");
    for (int i = 0; i < count; ++i) PushCapture(i, s, e);
    return count;
  }
};

Matcher NewMatcher(lua_State* L, PatternBudget* budget, const char* subject, std::size_t length,
                   const char* pattern, std::size_t pattern_length) {
  Matcher matcher;
  matcher.L = L;
  matcher.budget = budget;
  matcher.subject = subject;
  matcher.subject_end = subject + length;
  matcher.pattern_end = pattern + pattern_length;
  matcher.steps = 0;
  matcher.Reset();
  return matcher;
}

PatternBudget* BudgetOf(lua_State* L) {
  return static_cast<PatternBudget*>(lua_touserdata(L, lua_upvalueindex(1)));
}

// The start index `init` (1-based, negative from the end) as an offset; above `length` when
// it is past the end.
std::size_t StartOffset(lua_Integer init, std::size_t length) {
  if (init > 0) return static_cast<std::size_t>(init) - 1;
  if (init == 0 || init < -static_cast<lua_Integer>(length)) return 0;
  return length - static_cast<std::size_t>(-init);
}

bool HasSpecials(const char* pattern, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    if (pattern[i] != '\0' && std::strchr(kSpecials, pattern[i]) != nullptr) return true;
  }
  return false;
}

// A plain search, charged one step per candidate position and per kBytesPerStep bytes compared.
const char* FindPlain(Matcher& matcher, const char* s, std::size_t length, const char* needle,
                      std::size_t needle_length) {
  if (needle_length == 0) return s;
  if (needle_length > length) return nullptr;
  const char* last = s + (length - needle_length);
  while (s <= last) {
    const void* found = std::memchr(s, needle[0], static_cast<std::size_t>(last - s) + 1);
    if (found == nullptr) return nullptr;
    s = static_cast<const char*>(found);
    matcher.steps += 1;
    matcher.ChargeBytes(static_cast<std::ptrdiff_t>(needle_length));
    matcher.Step();
    if (std::memcmp(s + 1, needle + 1, needle_length - 1) == 0) return s;
    ++s;
  }
  return nullptr;
}

int FindOrMatch(lua_State* L, bool find) {
  std::size_t length = 0;
  std::size_t pattern_length = 0;
  const char* subject = luaL_checklstring(L, 1, &length);
  const char* pattern = luaL_checklstring(L, 2, &pattern_length);
  const std::size_t start = StartOffset(luaL_optinteger(L, 3, 1), length);
  if (start > length) {
    luaL_pushfail(L);
    return 1;
  }
  Matcher matcher = NewMatcher(L, BudgetOf(L), subject, length, pattern, pattern_length);
  if (find && (lua_toboolean(L, 4) != 0 || !HasSpecials(pattern, pattern_length))) {
    const char* found =
        FindPlain(matcher, subject + start, length - start, pattern, pattern_length);
    matcher.Flush();
    if (found != nullptr) {
      lua_pushinteger(L, static_cast<lua_Integer>(found - subject) + 1);
      lua_pushinteger(L, static_cast<lua_Integer>(found - subject + pattern_length));
      return 2;
    }
    luaL_pushfail(L);
    return 1;
  }
  const bool anchored = *pattern == '^';
  if (anchored) ++pattern;
  const char* from = subject + start;
  do {
    matcher.Reset();
    if (const char* end = matcher.Match(from, pattern)) {
      matcher.Flush();
      if (find) {
        lua_pushinteger(L, static_cast<lua_Integer>(from - subject) + 1);
        lua_pushinteger(L, static_cast<lua_Integer>(end - subject));
        return matcher.PushCaptures(nullptr, nullptr) + 2;
      }
      return matcher.PushCaptures(from, end);
    }
  } while (from++ < matcher.subject_end && !anchored);
  matcher.Flush();
  luaL_pushfail(L);
  return 1;
}

int Find(lua_State* L) { return FindOrMatch(L, true); }
int MatchFirst(lua_State* L) { return FindOrMatch(L, false); }

// gmatch's iterator: upvalues 1 the subject, 2 the pattern, 3 its state.
struct Iteration {
  Matcher matcher;
  const char* pattern;
  const char* next;
  const char* last_match;
};

int NextMatch(lua_State* L) {
  auto* iteration = static_cast<Iteration*>(lua_touserdata(L, lua_upvalueindex(3)));
  Matcher& matcher = iteration->matcher;
  matcher.L = L;  // the loop may run in another coroutine than the one that made it
  for (const char* from = iteration->next; from <= matcher.subject_end; ++from) {
    matcher.Reset();
    const char* end = matcher.Match(from, iteration->pattern);
    if (end != nullptr && end != iteration->last_match) {
      iteration->next = iteration->last_match = end;
      matcher.Flush();
      return matcher.PushCaptures(from, end);
    }
  }
  matcher.Flush();
  return 0;
}

int Gmatch(lua_State* L) {
  std::size_t length = 0;
  std::size_t pattern_length = 0;
  const char* subject = luaL_checklstring(L, 1, &length);
  const char* pattern = luaL_checklstring(L, 2, &pattern_length);
  std::size_t start = StartOffset(luaL_optinteger(L, 3, 1), length);
  if (start > length) start = length + 1;  // no match, and no pointer past the end + 1
  PatternBudget* budget = BudgetOf(L);
  lua_settop(L, 2);  // the strings live as long as the iterator
  auto* iteration = static_cast<Iteration*>(lua_newuserdatauv(L, sizeof(Iteration), 0));
  iteration->matcher = NewMatcher(L, budget, subject, length, pattern, pattern_length);
  iteration->pattern = pattern;
  iteration->next = subject + start;
  iteration->last_match = nullptr;
  lua_pushcclosure(L, &NextMatch, 3);
  return 1;
}

// gsub's replacement string for the match [s, e): `%0`-`%9` are captures, `%%` a percent.
void AppendReplacement(Matcher& matcher, luaL_Buffer* buffer, const char* s, const char* e) {
  lua_State* L = matcher.L;
  std::size_t length = 0;
  const char* text = lua_tolstring(L, 3, &length);
  const char* end = text + length;
  while (text < end) {
    const char* escape = static_cast<const char*>(std::memchr(text, kEscape, end - text));
    if (escape == nullptr) {
      luaL_addlstring(buffer, text, static_cast<std::size_t>(end - text));
      return;
    }
    luaL_addlstring(buffer, text, static_cast<std::size_t>(escape - text));
    const char code = escape[1];  // the string's terminating NUL when `%` is last
    if (code == kEscape) {
      luaL_addchar(buffer, kEscape);
    } else if (code == '0') {
      luaL_addlstring(buffer, s, static_cast<std::size_t>(e - s));
    } else if (std::isdigit(Byte(code)) != 0) {
      matcher.PushCapture(code - '1', s, e);
      luaL_tolstring(L, -1, nullptr);  // a position capture is a number
      lua_remove(L, -2);
      luaL_addvalue(buffer);
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", kEscape);
    }
    text = escape + 2;
  }
}

// Appends what replaces the match [s, e); whether it changed anything.
bool AppendValue(Matcher& matcher, luaL_Buffer* buffer, const char* s, const char* e,
                 int replacement) {
  lua_State* L = matcher.L;
  if (replacement == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    const int count = matcher.PushCaptures(s, e);
    lua_call(L, count, 1);
  } else if (replacement == LUA_TTABLE) {
    matcher.PushCapture(0, s, e);
    lua_gettable(L, 3);
  } else {
    AppendReplacement(matcher, buffer, s, e);
    return true;
  }
  if (lua_toboolean(L, -1) == 0) {  // nil or false: keep the match as it is
    lua_pop(L, 1);
    luaL_addlstring(buffer, s, static_cast<std::size_t>(e - s));
    return false;
  }
  if (lua_isstring(L, -1) == 0) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  }
  luaL_addvalue(buffer);
  return true;
}

int Gsub(lua_State* L) {
  std::size_t length = 0;
  std::size_t pattern_length = 0;
  const char* subject = luaL_checklstring(L, 1, &length);
  const char* pattern = luaL_checklstring(L, 2, &pattern_length);
  const int replacement = lua_type(L, 3);
  const lua_Integer most = luaL_optinteger(L, 4, static_cast<lua_Integer>(length) + 1);
  luaL_argexpected(L,
                   replacement == LUA_TNUMBER || replacement == LUA_TSTRING ||
                       replacement == LUA_TFUNCTION || replacement == LUA_TTABLE,
                   3, "string/function/table");
  luaL_Buffer buffer;
  luaL_buffinit(L, &buffer);
  const bool anchored = *pattern == '^';
  if (anchored) {
    ++pattern;
    --pattern_length;
  }
  Matcher matcher = NewMatcher(L, BudgetOf(L), subject, length, pattern, pattern_length);
  const char* from = subject;
  const char* last_match = nullptr;
  lua_Integer count = 0;
  bool changed = false;
  while (count < most) {
    matcher.Reset();
    const char* end = matcher.Match(from, pattern);
    if (end != nullptr && end != last_match) {
      ++count;
      changed = AppendValue(matcher, &buffer, from, end, replacement) || changed;
      from = last_match = end;
    } else if (from < matcher.subject_end) {
      luaL_addchar(&buffer, *from++);
    } else {
      break;
    }
    if (anchored) break;
  }
  matcher.Flush();
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&buffer, from, static_cast<std::size_t>(matcher.subject_end - from));
    luaL_pushresult(&buffer);
  }
  lua_pushinteger(L, count);
  return 2;
}

}  // namespace

void InstallBoundedPatterns(lua_State* L, int library, PatternBudget* budget) {
  library = lua_absindex(L, library);
  for (const auto& [name, function] : {std::pair{"find", &Find}, std::pair{"match", &MatchFirst},
                                       std::pair{"gmatch", &Gmatch}, std::pair{"gsub", &Gsub}}) {
    lua_pushlightuserdata(L, budget);
    lua_pushcclosure(L, function, 1);
    lua_setfield(L, library, name);
  }
}

}  // namespace weft::lua
