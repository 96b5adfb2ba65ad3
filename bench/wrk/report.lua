-- Shared end of every wrk run of bench/run: one machine-readable line, "WRK "
-- and a JSON object (requests, seconds, latency percentiles in microseconds,
-- errors). wrk counts an answer outside 2xx/3xx as a status error. Used alone
-- (-s report.lua) for plain GETs, and loaded by the other scripts.

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"seconds":%.3f,"p50_us":%d,"p99_us":%d,"errors":%d,"status_errors":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
