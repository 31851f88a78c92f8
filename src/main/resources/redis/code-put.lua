-- Stores a single-use code under its key, replacing any previous one (attempts start at 0).
--
-- KEYS[1]  the code's key
-- KEYS[2]  the expiry index: a sorted set of code keys (without prefix) by expires_at
-- ARGV[1]  the key without prefix, as the index names it
-- ARGV[2]  the code
-- ARGV[3]  the number it was sent to
-- ARGV[4]  expires_at, ms since the epoch (the node's clock, as checks compare it)
-- ARGV[5]  ms an expired code stays before Redis drops it (the sweep usually deletes it first)

-- Needed before a write that follows TIME on Redis < 5; a no-op on later versions.
if redis.replicate_commands then
  redis.replicate_commands()
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expiresAt = tonumber(ARGV[4])
local left = expiresAt - now
if left < 0 then
  left = 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'code', ARGV[2], 'number', ARGV[3], 'expires', ARGV[4], 'attempts', 0)
redis.call('PEXPIRE', KEYS[1], left + tonumber(ARGV[5]))
redis.call('ZADD', KEYS[2], expiresAt, ARGV[1])
return 1
