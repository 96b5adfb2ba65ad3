-- POST /movies/add with a title no request has used before, so every answer
-- is a 201 and every request inserts a row: "bench <run> <nonce> <thread> <n>".
-- The run id (first script argument) and a random nonce drawn by each thread
-- keep titles unique across runs and between a warm-up and its measured run.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua") -- done, and setup: each thread's tid

local counter = 0
local run = "0"
local nonce = "0"

function init(args)
  run = args[1] or "0"
  local random = io.open("/dev/urandom", "rb")
  nonce = random:read(8):gsub(".", function(c) return string.format("%02x", c:byte()) end)
  random:close()
end

function request()
  counter = counter + 1
  local body = string.format('{"title":"bench %s %s %d %d","year":2000,"stars":3.5}', run, nonce, tid, counter)
  return wrk.format("POST", "/movies/add", { ["Content-Type"] = "application/json" }, body)
end
