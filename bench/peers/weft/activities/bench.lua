-- The benchmark's activity: adds the step number to the value.
local M = {}

function M.step(input)
  return {value = input.value + input.step, step = input.step}
end

return M
