-- Example catalogue activities for image-thumbnails. Simulated: no catalogue is written.
local M = {}

M.doc = {
  upsert = {
    description = "Example (simulated): creates or updates an album's catalogue entry",
    input = {type = "object", required = {"album_id"},
             properties = {album_id = {type = "string"}, count = {type = "integer"}}},
  },
  publish = {
    description = "Example (simulated): publishes an album with its thumbnails",
    input = {type = "object", required = {"album_id", "thumbnails"},
             properties = {album_id = {type = "string"}, thumbnails = {type = "array"}}},
  },
}

function M.upsert(input)
  return {album_id = input.album_id, count = input.count}
end

function M.publish(input)
  return {album_id = input.album_id, published = #input.thumbnails}
end

return M
