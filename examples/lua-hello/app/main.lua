-- main.lua: greets, counts the words of the sample the image carries, and shows
-- that errors are caught (pcall), all inside its appliance.
local greet = require("greet")
print(greet.hello(arg[1] or "goblin"))

local counts, total = {}, 0
for line in io.lines("/app/sample.txt") do
  for word in line:lower():gmatch("%a+") do
    counts[word] = (counts[word] or 0) + 1
    total = total + 1
  end
end
local words = {}
for w, n in pairs(counts) do words[#words + 1] = { w = w, n = n } end
table.sort(words, function(a, b) return a.n > b.n or (a.n == b.n and a.w < b.w) end)
io.write(string.format("%d words; most frequent:", total))
for i = 1, math.min(3, #words) do io.write(string.format(" %s(%d)", words[i].w, words[i].n)) end
io.write("\n")

local ok, err = pcall(function() error("caught inside the VM") end)
print(ok, err:match("caught inside the VM"))
