-- Example shipping activity for order-clothes. Simulated: no carrier is called.
local M = {}

M.doc = {
  create = {
    description = "Example (simulated): books a shipment for an order's items",
    input = {type = "object", required = {"order_id", "items"},
             properties = {order_id = {type = "string"}, items = {type = "array"}}},
  },
}

function M.create(input)
  weft.heartbeat({order_id = input.order_id})
  return {tracking = "TRK-" .. input.order_id, parcels = #input.items}
end

return M
