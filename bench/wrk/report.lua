-- Shared part of every wrk script of bench/run. setup numbers the threads
-- (the global tid, 1 to the number of threads, for scripts that split work
-- between them); done prints one machine-readable line, "WRK " and a JSON
-- object (requests, seconds, latency percentiles in microseconds, errors).
-- Errors include wrk's status errors: answers outside 2xx/3xx. Used alone
-- (-s report.lua) for plain GETs, and loaded by the other scripts.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"seconds":%.3f,"p50_us":%d,"p99_us":%d,"errors":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status))
end
