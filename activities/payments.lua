-- Example payment activities for the shipped workflows (order-clothes, expense-approval).
-- Simulated: they talk to no payment provider. Replace them with your own module, a plugin,
-- or an http.request call.
local M = {}

local amount = {type = "number", exclusiveMinimum = 0}

M.doc = {
  charge = {
    description = "Example (simulated): charges an order; amounts over 10000 are declined",
    input = {type = "object", required = {"order_id", "amount"},
             properties = {order_id = {type = "string"}, amount = amount}},
  },
  refund = {
    description = "Example (simulated): refunds a charge",
    input = {type = "object", required = {"charge_id"}, properties = {charge_id = {type = "string"}}},
  },
  reimburse = {
    description = "Example (simulated): pays an approved expense back",
    input = {type = "object", required = {"request_id", "amount"},
             properties = {request_id = {type = "string"}, amount = amount}},
  },
}

function M.charge(input)
  if input.amount > 10000 then
    error({type = "CardDeclined", message = "the card was declined for " .. input.amount,
           details = {order_id = input.order_id}, non_retryable = true})
  end
  weft.log("charging " .. input.amount .. " for order " .. input.order_id)
  return {id = "ch_" .. input.order_id, amount = input.amount, status = "succeeded"}
end

function M.refund(input)
  weft.log("refunding " .. input.charge_id)
  return {id = "re_" .. input.charge_id, status = "succeeded"}
end

function M.reimburse(input)
  weft.log("reimbursing " .. input.amount .. " for " .. input.request_id)
  return {id = "po_" .. input.request_id, amount = input.amount}
end

return M
