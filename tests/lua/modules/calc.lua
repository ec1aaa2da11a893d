-- Activities for the sandbox tests: calc.<function>.
local M = {}

M.doc = {
  add = {description = "Adds a and b", input = {type = "object", required = {"a", "b"}}},
  echo = "Returns its input",
}

function M.add(input)
  return {sum = input.a + input.b}
end

function M.echo(input)
  return input
end

function M.kinds(input)
  return {
    null_is_sentinel = input.n == weft.null,
    empty_array_is_array = weft.is_array(input.empty_array),
    empty_object_is_array = weft.is_array(input.empty_object),
    big_is_integer = math.type(input.big) == "integer",
    big_plus_one = input.big + 1,
  }
end

function M.fail_plain()
  error("something broke")
end

function M.fail_typed()
  error({type = "PaymentDeclined", message = "card refused", details = {code = 51},
         non_retryable = true})
end

function M.nil_index(input)
  return input.missing.field
end

function M.heartbeat(input)
  for i = 1, input.times do weft.heartbeat({done = i}) end
  weft.log("warn", "beat", input.times, "times")
  return true
end

function M.json_round_trip(input)
  local text = weft.json.encode({list = weft.array(), n = weft.null, x = 1})
  return {text = text, back = weft.json.decode('{"a":[1,2,{}],"b":null}')}
end

function M.undefined_global()
  return some_undefined_name
end

function M.random()
  return {math.random(1, 1000000), math.random(1, 1000000)}
end

function M.counter()
  calls = (rawget(_G, "calls") or 0) + 1
  return calls
end

function M.whoami()
  local info = weft.info()
  return {attempt = info.attempt, workflow = info.workflow_id, type = info.activity_type}
end

return M
