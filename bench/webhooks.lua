-- wrk script: POST signed Jitsi events to /api/v1/live-sessions/webhooks/jitsi/, each event once
-- (threads take interleaved lines of the file bench/webhook_seed.py wrote).
local events = {}
local f = assert(io.open(os.getenv("BENCH_EVENTS"), "r"))
for line in f:lines() do
  local ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
  events[#events + 1] = {ts, sig, body}
end
f:close()

local threads = 0
function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local counter = 0
function init(args)
  step = tonumber(os.getenv("BENCH_THREADS") or "1")
end

function request()
  local e = events[(counter * step + thread_index) % #events + 1]
  counter = counter + 1
  return wrk.format("POST", "/api/v1/live-sessions/webhooks/jitsi/",
                    {["Content-Type"] = "application/json", ["X-Live-Timestamp"] = e[1],
                     ["X-Live-Signature"] = e[2]}, e[3])
end

dofile(os.getenv("BENCH_DIR") .. "/report.lua")
