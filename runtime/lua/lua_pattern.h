// Lua 5.4's pattern functions (string.find, string.match, string.gmatch and string.gsub) for
// the sandbox: the same results and the same errors as the standard library's, on a matcher
// that counts its steps and charges them to the activity's instruction budget.
//
// Why: the standard library matches inside one C call, out of reach of the count hook that
// enforces the budget, and a pattern can backtrack for ever (ten `a*` against 100,000 a's): the
// pool thread would spin at 100 %, the step would time out, and the process could never exit.
// Here a match costs one step per attempt to match a pattern item at a position (so normal use
// costs about what the same work would in VM instructions), plus one per 64 bytes an attempt
// scans (a long set, a back-reference compared), and a match that runs out of budget
// ends the way the hook ends a script: with the budget's error.
//
// Private to runtime/lua. The functions run on the thread that owns the lua_State; their
// frames hold no C++ object with a destructor, because Lua errors (a malformed pattern, the
// budget, an error raised by gsub's replacement function) unwind them with longjmp.
#ifndef WEFT_RUNTIME_LUA_LUA_PATTERN_H_
#define WEFT_RUNTIME_LUA_LUA_PATTERN_H_

#include <cstdint>

struct lua_State;

namespace weft::lua {

// What a match is charged to: the sandbox's instruction budget.
class PatternBudget {
 public:
  // Adds `steps` to what the call has used. When that exceeds the budget, raises the budget's
  // Lua error and does not return.
  virtual void Charge(lua_State* L, std::int64_t steps) = 0;

 protected:
  ~PatternBudget() = default;
};

// Replaces find, match, gmatch and gsub in the table at `library` (a string library), charging
// `budget`, which must outlive the state.
void InstallBoundedPatterns(lua_State* L, int library, PatternBudget* budget);

}  // namespace weft::lua

#endif  // WEFT_RUNTIME_LUA_LUA_PATTERN_H_
