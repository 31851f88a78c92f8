-- Deletes up to ARGV[3] codes that expired before ARGV[1], oldest first.
--
-- KEYS[1]  the expiry index (see code-put.lua)
-- ARGV[1]  now, ms since the epoch: codes with expires_at < now go
-- ARGV[2]  the prefix of code keys (with the index's hash tag, so in a Redis Cluster they share its slot)
-- ARGV[3]  how many index entries to take at most
--
-- Returns {codes deleted, index entries taken}; fewer entries than ARGV[3] means none is left.
-- An entry whose code Redis already dropped (its grace passed) goes without counting.
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local deleted = 0
for _, key in ipairs(expired) do
  deleted = deleted + redis.call('DEL', ARGV[2] .. key)
  redis.call('ZREM', KEYS[1], key)
end
return {deleted, #expired}
