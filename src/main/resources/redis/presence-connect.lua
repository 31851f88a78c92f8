-- Counts one device of an account as connected (or keeps it counted: the owning node calls this
-- again every refresh interval), on Redis' own clock.
--
-- KEYS[1]  the account's connected devices: a sorted set, device id -> expiry (ms, Redis time)
-- ARGV[1]  the device id
-- ARGV[2]  how long the entry lives without another call (ms)
--
-- Returns how many of the account's devices are connected now (expired entries dropped first).
if redis.replicate_commands then
  redis.replicate_commands()
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return redis.call('ZCARD', KEYS[1])
