-- Example account activities for customer-onboarding. Simulated: no account system is called.
local M = {}

M.doc = {
  create = {
    description = "Example (simulated): opens an account for a customer on a plan",
    input = {type = "object", required = {"customer_id", "plan"},
             properties = {customer_id = {type = "string"}, plan = {type = "string"}}},
  },
  invite_team = {
    description = "Example (simulated): invites a customer's team",
    input = {type = "object", required = {"customer_id"},
             properties = {customer_id = {type = "string"}}},
  },
}

function M.create(input)
  return {account_id = "acct_" .. input.customer_id, plan = input.plan}
end

function M.invite_team(input)
  return {invited = 0, customer_id = input.customer_id}
end

return M
