-- wrk script for the bare HTTP baseline: the same POST shape, counted the same way.
function request()
  return wrk.format("POST", "/", {["Authorization"] = "Bearer x"}, "")
end
dofile(os.getenv("BENCH_DIR") .. "/report.lua")
