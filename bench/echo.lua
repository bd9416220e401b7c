-- POST /test/echo for wrk with a fixed body, every answer checked: bench/compare.sh's echo loads.
--
--   wrk -t1 -c100 -d10s --latency -s bench/echo.lua http://127.0.0.1:PORT/test/echo -- 1024
--
-- The body is SIZE bytes (the argument, default 1024) of printable text, sent with Content-Type
-- application/octet-stream on keep-alive connections. An answer is wrong unless it is a 200 whose
-- body is the one sent (LuaJIT interns strings, so the comparison checks length and content).
-- done() prints "Echo check: N answers, M wrong", summed over wrk's threads, which
-- bench/summarise.py reports as errors when M > 0. Defining response() makes wrk hand every
-- answer's body to Lua: client work, the same for every server.

local unit = "loopwork echo 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"

init = function(args)
  size = tonumber(args[1]) or 1024
  expected = string.rep(unit, math.ceil(size / #unit)):sub(1, size)
  wrk.headers["Content-Type"] = "application/octet-stream"
  req = wrk.format("POST", nil, nil, expected) -- adds Content-Length
  answers, wrong = 0, 0
end

request = function()
  return req
end

response = function(status, headers, body)
  answers = answers + 1
  if status ~= 200 or body ~= expected then
    wrong = wrong + 1
  end
end

-- setup() and done() run in wrk's main Lua state; each thread has its own, read through thread:get.
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

done = function(summary, latency, requests)
  local n, bad = 0, 0
  for _, thread in ipairs(threads) do
    n = n + thread:get("answers")
    bad = bad + thread:get("wrong")
  end
  io.write(string.format("Echo check: %d answers, %d wrong\n", n, bad))
end
