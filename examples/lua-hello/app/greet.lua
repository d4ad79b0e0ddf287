local M = {}
function M.hello(name) return ("hello, %s, from Lua in a goblin appliance"):format(name) end
return M
