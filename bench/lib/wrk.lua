-- What wrk sends and what it prints. The method and a body file come from the environment
-- (WRK_METHOD, WRK_BODY_FILE; headers are wrk's -H), since wrk takes a POST body only from a script.
-- The summary is printed as one JSON line, so the harness reads numbers rather than wrk's prose.
local method = os.getenv('WRK_METHOD')
if method then wrk.method = method end
local bodyFile = os.getenv('WRK_BODY_FILE')
if bodyFile then
  local file = assert(io.open(bodyFile, 'rb'))
  wrk.body = file:read('*a') -- wrk.format() then sets Content-Length from it
  file:close()
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p99":%d,"mean":%.1f,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
