-- Example warehouse activity for inventory-sync. Simulated: three pages of changes, then
-- complete, so that the polling loop ends.
local M = {}

M.doc = {
  changes = {
    description = "Example (simulated): stock changes after a cursor; complete after three pages",
    input = {type = "object", required = {"cursor"}, properties = {cursor = {type = "string"}}},
  },
}

function M.changes(input)
  local page = tonumber(input.cursor) or 0
  return {changes = weft.array(), next_cursor = tostring(page + 1), complete = page + 1 >= 3}
end

return M
