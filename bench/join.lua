-- wrk script: POST .../join/ rotating through many enrolled students' bearer tokens.
-- The first line of the tokens file is the session id, then one token per line.
local tokens = {}
local session_id
local path

local f = assert(io.open(os.getenv("BENCH_TOKENS"), "r"))
for line in f:lines() do
  if not session_id then session_id = line else tokens[#tokens + 1] = line end
end
f:close()
path = "/api/v1/live-sessions/" .. session_id .. "/join/"

local counter = 0
local thread_offset = 0
function setup(thread)
  thread:set("thread_offset", thread_offset)
  thread_offset = thread_offset + 7919
end

function request()
  counter = counter + 1
  local t = tokens[((counter + thread_offset) % #tokens) + 1]
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. t,
                                   ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}, "")
end

dofile(os.getenv("BENCH_DIR") .. "/report.lua")
