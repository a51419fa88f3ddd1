-- wrk script of the benchmark (bench/run.py): counts every response outside 2xx (wrk's own summary.errors.status
-- counts only status > 399) and prints one line "BENCH_JSON {...}" at the end. Latencies in microseconds.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "non2xx": %.0f, ' ..
    '"errors": {"connect": %.0f, "read": %.0f, "write": %.0f, "status": %.0f, "timeout": %.0f}, ' ..
    '"latency_us": {"p50": %.0f, "p90": %.0f, "p99": %.0f, "mean": %.1f, "max": %.0f}}\n',
    summary.requests, summary.duration, summary.bytes, bad,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
