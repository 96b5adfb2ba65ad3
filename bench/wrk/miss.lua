-- Cache-miss reads: GET /movies/get/<id> over ids read from a file (first
-- script argument: one id a line, rows seeded in PostgreSQL and never read
-- before; second: the number of wrk threads). Each thread walks its own
-- stride of the list, so no id is asked for twice until a thread runs out
-- and starts over; bench/run seeds more ids than a run can read and
-- checks the service's cache counters afterwards.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua") -- done, and setup: each thread's tid

local ids = {}
local stride = 1
local next_index = 1

function init(args)
  for line in io.lines(args[1]) do
    ids[#ids + 1] = line
  end
  stride = tonumber(args[2]) or 1
  next_index = tid
end

function request()
  if next_index > #ids then
    next_index = tid
  end
  local id = ids[next_index]
  next_index = next_index + stride
  return wrk.format("GET", "/movies/get/" .. id)
end
