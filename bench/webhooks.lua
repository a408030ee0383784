-- wrk script: POST signed Jitsi events to /api/v1/live-sessions/webhooks/jitsi/, each event once
-- (threads take interleaved pairs of lines of the file bench/webhook_seed.py wrote: a join and its
-- leave go out from the same thread, as one student's events would, so the class does not fill up
-- with students whose leave is stuck behind another thread).
local events = {}
local f = assert(io.open(os.getenv("BENCH_EVENTS"), "r"))
for line in f:lines() do
  local ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
  events[#events + 1] = {ts, sig, body}
end
f:close()

local threads = {}
function setup(thread)
  thread:set("thread_index", #threads)
  threads[#threads + 1] = thread
end

-- Events sent at least once: a thread that gets through its share of the file starts it again (those
-- deliveries are duplicates, acknowledged without being stored twice).
function extra_result()
  local distinct = 0
  for _, t in ipairs(threads) do
    distinct = distinct + math.min(t:get("counter"), math.floor(#events / #threads))
  end
  return string.format(" distinct=%d", distinct)
end

counter = 0  -- global: extra_result() reads it from each thread
function init(args)
  step = tonumber(os.getenv("BENCH_THREADS") or "1")
end

function request()
  local pair = math.floor(counter / 2) * step + thread_index
  local e = events[(pair * 2 + counter % 2) % #events + 1]
  counter = counter + 1
  return wrk.format("POST", "/api/v1/live-sessions/webhooks/jitsi/",
                    {["Content-Type"] = "application/json", ["X-Live-Timestamp"] = e[1],
                     ["X-Live-Signature"] = e[2]}, e[3])
end

dofile(os.getenv("BENCH_DIR") .. "/report.lua")
