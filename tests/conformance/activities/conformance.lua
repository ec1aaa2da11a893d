-- Activities of the conformance suite: small, deterministic, and the same on both engines (the
-- embedded engine loads this folder with --lua-dir, and so does `weft worker`).
local M = {}

function M.echo(input)
  return input
end

function M.add(input)
  return {sum = input.a + input.b}
end

-- Fails with the retryable type Flaky until attempt `succeed_on`.
function M.flaky(input)
  local attempt = weft.info().attempt
  if attempt < input.succeed_on then
    error({type = "Flaky", message = "attempt " .. attempt .. " failed"})
  end
  return {attempt = attempt}
end

-- Fails with the type and message asked for, without retries.
function M.fail(input)
  error({type = input.type, message = input.message, non_retryable = true})
end

-- How Lua sees a number it was given: an integer stays an integer (math.type, tostring).
function M.describe_number(input)
  return {type = math.type(input.amount), text = tostring(input.amount), amount = input.amount}
end

return M
