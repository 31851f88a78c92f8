-- Takes permits from one token bucket, atomically, on Redis' own clock.
--
-- KEYS[1]  the bucket. Its value is the instant (microseconds since the epoch, by Redis TIME) at
--          which the bucket is full again: the "theoretical arrival time" of GCRA. Absent means
--          full. It expires at that instant, when it no longer carries information.
-- ARGV[1]  microseconds to regain one token (>= 1)
-- ARGV[2]  bucket size (tokens)
-- ARGV[3]  permits to take (1..bucket size)
--
-- Returns 0 when the permits were taken, otherwise the microseconds until enough tokens are back
-- (and nothing is taken). Microseconds keep every value below 2^53, exact in Lua's doubles.

-- Needed before a write that follows TIME on Redis < 5; a no-op on later versions.
if redis.replicate_commands then
  redis.replicate_commands()
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local capacity = interval * tonumber(ARGV[2])
local cost = interval * tonumber(ARGV[3])

local fullAt = tonumber(redis.call('GET', KEYS[1])) or now
if fullAt < now then
  fullAt = now
end
local taken = fullAt + cost
local overdraft = taken - now - capacity
if overdraft > 0 then
  return overdraft
end
redis.call('SET', KEYS[1], string.format('%.0f', taken), 'PX', math.ceil((taken - now) / 1000))
return 0
