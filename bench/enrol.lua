-- wrk script for bench/workshops_enrol.py: POST /api/v1/events/<id>/enrolments with a
-- participant's bearer token. Each wrk thread walks its own share of the (event, person)
-- pairs, so nobody is sent twice to the same event.
-- Usage (done by the benchmark): wrk -t2 -c16 -d20s -s bench/enrol.lua URL -- pairs.txt
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  pairs_file = args[1]
  total_threads = tonumber(args[2])
  lines = {}
  local n = 0
  for line in io.lines(pairs_file) do
    if n % total_threads == id then
      table.insert(lines, line)
    end
    n = n + 1
  end
  position = 0
end

function request()
  position = position + 1
  local line = lines[((position - 1) % #lines) + 1]
  local event_id, token = line:match("(%d+) (%S+)")
  return wrk.format("POST", "/api/v1/events/" .. event_id .. "/enrolments",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, "{}")
end
