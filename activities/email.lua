-- Example e-mail activity for the shipped workflows. Simulated: it logs the message instead of
-- sending it. Replace it with your provider (an http.request call, a plugin).
local M = {}

M.doc = {
  send = {
    description = "Example (simulated): logs an e-mail instead of sending it",
    input = {type = "object", required = {"to", "subject"},
             properties = {to = {type = "string"}, subject = {type = "string"},
                           template = {type = "string"}, body = {type = "string"}}},
  },
}

function M.send(input)
  weft.log("e-mail to " .. input.to .. ": " .. input.subject)
  return {to = input.to, subject = input.subject, status = "queued"}
end

return M
