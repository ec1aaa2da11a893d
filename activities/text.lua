-- Text helpers, as Lua activities: text.slug, text.words, text.template.
local M = {}

M.doc = {
  slug = {
    description = "Lower-case, ASCII letters and digits joined by '-'",
    input = {type = "object", required = {"text"}, properties = {text = {type = "string"}}},
  },
  words = {
    description = "Splits text on whitespace and counts the words",
    input = {type = "object", required = {"text"}, properties = {text = {type = "string"}}},
  },
  template = {
    description = "Replaces {name} in `template` by values[name]",
    input = {type = "object", required = {"template", "values"},
             properties = {template = {type = "string"}, values = {type = "object"}}},
  },
}

function M.slug(input)
  local s = string.lower(input.text):gsub("[^%w]+", "-"):gsub("^-+", ""):gsub("-+$", "")
  return {slug = s}
end

function M.words(input)
  local words = weft.array()
  for w in string.gmatch(input.text, "%S+") do words[#words + 1] = w end
  return {words = words, count = #words}
end

function M.template(input)
  local out = string.gsub(input.template, "{([%w_]+)}", function(name)
    local v = input.values[name]
    if v == nil or v == weft.null then
      error({type = "TemplateMissingValue", message = "no value for {" .. name .. "}",
             details = {name = name}, non_retryable = true})
    end
    return tostring(v)
  end)
  return {text = out}
end

return M
