-- Example cluster activities for provision-cluster. Simulated: no cloud is called.
local M = {}

local sizes = {small = 3, medium = 5, large = 9}

M.doc = {
  reserve = {
    description = "Example (simulated): reserves capacity for a customer's cluster",
    input = {type = "object", required = {"customer_id", "size"},
             properties = {customer_id = {type = "string"},
                           size = {type = "string", enum = {"small", "medium", "large"}}}},
  },
  create = {
    description = "Example (simulated): builds a cluster on a reservation, heartbeating per node",
    input = {type = "object", required = {"reservation_id", "nodes"},
             properties = {reservation_id = {type = "string"}, nodes = {type = "integer"}}},
  },
  release = {
    description = "Example (simulated): gives a reservation's unused capacity back",
    input = {type = "object", required = {"reservation_id"},
             properties = {reservation_id = {type = "string"}}},
  },
}

function M.reserve(input)
  return {id = "rsv_" .. input.customer_id, nodes = sizes[input.size]}
end

function M.create(input)
  for node = 1, input.nodes do weft.heartbeat({built = node}) end
  return {cluster_id = "cl_" .. input.reservation_id, nodes = input.nodes}
end

function M.release(input)
  weft.log("releasing " .. input.reservation_id)
  return {released = input.reservation_id}
end

return M
