-- HTTP/1.1 pipelining for wrk, as in TechEmpower's plaintext test: every write sends DEPTH
-- requests at once (default 16), the next batch when all DEPTH answers are in.
--
--   wrk -t1 -c256 -d10s -s bench/pipeline.lua http://127.0.0.1:PORT/test/fast -- 16
--
-- wrk parses the string that request() returns and counts the requests in it (its
-- script_verify_request), then counts every response it parses: its request count and
-- Requests/sec are per response, not per batch. bench/compare.sh checks that against the
-- server's own counter (Loopwork's GET /metrics) in each run.

init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format("GET") -- "GET <path of the URL> HTTP/1.1\r\nHost: <host:port>\r\n\r\n"
  end
  req = table.concat(r)
end

request = function()
  return req
end
