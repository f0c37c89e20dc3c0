-- wrk script for bench/run-load: requests the paths in LOAD_PATHS (space-separated) in turn,
-- counts responses outside 2xx (wrk itself only counts those outside 2xx/3xx), and prints one
-- machine-readable line at the end:
--   LOAD requests=… seconds=… rps=… p50_ms=… p99_ms=… max_ms=… non2xx=… socket_errors=…
local paths = {}
for p in string.gmatch(os.getenv("LOAD_PATHS") or "/", "%S+") do
  table.insert(paths, p)
end

local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  statuses = {}
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
    for status, n in pairs(thread:get("statuses") or {}) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local codes = {}
  for status, n in pairs(by_status) do
    table.insert(codes, status .. "x" .. n)
  end
  io.write(string.format(
    "LOAD requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d statuses=%s\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    non2xx_total, socket_errors, table.concat(codes, ",")))
end
