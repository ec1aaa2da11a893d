-- Example image activity for image-thumbnails. Simulated: it names the thumbnail it would make.
local M = {}

M.doc = {
  resize = {
    description = "Example (simulated): the URL of an image's thumbnail of the given width",
    input = {type = "object", required = {"url", "width"},
             properties = {url = {type = "string"}, width = {type = "integer", minimum = 1},
                           position = {type = "integer"}}},
  },
}

function M.resize(input)
  return {url = input.url .. "?w=" .. input.width, width = input.width}
end

return M
