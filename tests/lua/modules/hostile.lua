-- Hostile activities: each must fail within the sandbox's limits, with a clear error.
local M = {}

function M.loop() while true do end end

function M.loop_in_coroutine()
  local co = coroutine.wrap(function() while true do end end)
  co()
end

function M.loop_in_resume()
  local co = coroutine.create(function() while true do end end)
  local ok, err = coroutine.resume(co)
  while true do end
end

-- pcall in a tail call: once it has caught the budget's error, no instruction of the script is
-- left for the hook to raise it again.
function M.loop_in_tail_pcall() return pcall(function() while true do end end) end
function M.loop_in_pcall()
  while true do
    pcall(function() while true do end end)
  end
end

function M.loop_in_xpcall_handler()
  while true do
    xpcall(function() while true do end end, function() while true do end end)
  end
end

function M.loop_in_finalizer()
  setmetatable({}, {__gc = function() while true do end end})
end

function M.memory_bomb()
  local t = {}
  for i = 1, 1e9 do t[i] = string.rep("x", 1024) .. i end
end

function M.memory_bomb_kept()
  hoard = {}
  for i = 1, 1e9 do hoard[i] = string.rep("y", 4096) .. i end
end

function M.string_bomb() return string.rep("x", 100 * 1024 * 1024) end
-- C loops out of the instruction budget's reach (issue 18, D1).
function M.empty_rep() return {plain = string.rep("", math.maxinteger), method = (""):rep(math.maxinteger, "")} end
function M.huge_rep_with_separator() return string.rep("", math.maxinteger, ",") end
function M.table_move() return table.move({}, 1, 1e15, 1) end

function M.io() return io.open("/etc/passwd"):read("a") end
function M.os_execute() return os.execute("echo pwned") end
function M.os_getenv() return os.getenv("HOME") end
function M.require() return require("os") end
function M.dofile() return dofile("/etc/passwd") end
function M.debug() return debug.getregistry() end
function M.string_dump() return string.dump(function() end) end
function M.string_metatable() return getmetatable("").__index.dump end
function M.collectgarbage() return collectgarbage("count") end
function M.load_bytecode()
  local f, err = load("\27Lua\84\0", "x", "b")
  if f == nil then error(err) end
  return f()
end
function M.load_text_in_own_env()
  local f = assert(load("return os.execute"))
  return f() == nil
end

function M.huge_result() return string.rep("z", 3 * 1024 * 1024) end
function M.deep_result()
  local t = {}
  local cur = t
  for i = 1, 200 do cur.next = {} cur = cur.next end
  return t
end
function M.cyclic_result() local t = {} t.self = t return t end
function M.function_result() return {f = print} end

function M.deep_recursion()
  local function f(n) return 1 + f(n + 1) end
  return f(1)
end

-- Ten `a*` against 100,000 a's backtrack for ever, in C: each of the four pattern functions.
local many_a = string.rep("a*", 10) .. "b"
function M.pattern_find() return string.find(string.rep("a", 100000), many_a) end
function M.pattern_match() return (string.rep("a", 100000)):match(many_a) end
function M.pattern_gmatch() for _ in string.gmatch(string.rep("a", 100000), many_a) do end end
function M.pattern_gsub() return (string.gsub(string.rep("a", 100000), many_a, "")) end
-- Heartbeat details over the result limit (2 MiB of JSON here) are refused, not sent.
function M.heartbeat_too_large() weft.heartbeat({blob = string.rep("x", 3 * 1024 * 1024)}) end
function M.heartbeat_fits() weft.heartbeat({blob = string.rep("x", 1024 * 1024)}) return true end

-- Few steps, each scanning much: a set of 200,000 bytes tried at each of 200,000 positions,
-- and a back-reference compared over up to 50,000 bytes at each length the capture backs off to.
function M.pattern_long_set()
  return string.find(string.rep("a", 200000), "[" .. string.rep("b", 200000) .. "]")
end
function M.pattern_long_backreference()
  return string.find(string.rep("a", 100000), "(.*)%1b")
end
function M.pattern_in_pcall() return pcall(string.find, string.rep("a", 100000), many_a) end
function M.patterns_as_usual()
  local s = string.rep("key = value; ", 1000)
  local n = 0
  for k, v in s:gmatch("(%w+)%s*=%s*(%w+)") do n = n + #k + #v end
  return {n = n, first = s:match("^(%w+)"), replaced = select(2, s:gsub("value", "v"))}
end

-- 10 MB of text whose tree would take some 160 MB outside Lua's allocator (D2).
function M.json_decode_wide() return weft.json.decode("[" .. string.rep("1,", 5 * 1024 * 1024) .. "1]") end
-- A million levels: refused at the depth limit, before anything is built.
function M.json_decode_deep() return weft.json.decode(string.rep("[", 1000000)) end
function M.json_decode_fits() return weft.json.decode('{"a": [1, 2, {"b": null}]}').a[3].b == weft.null end

-- 200 lines of 1 MB each, and one of 100 KB of é.
function M.log_flood()
  local line = string.rep("x", 1024 * 1024)
  for _ = 1, 200 do weft.log("info", line) end
  return true
end
function M.log_long_line() weft.log("warn", string.rep("é", 50 * 1024)) return true end

function M.tamper_string() string.upper = function() return "tampered" end return true end
function M.upper(input) return string.upper(input.s) end

return M
