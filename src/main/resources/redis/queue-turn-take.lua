-- Takes a device's turn at appending to its queue, and hands out the turn's positions.
--
-- KEYS[1]  the device's turn (holder id, expires after the lease)
-- KEYS[2]  the device's last position given out (expires when unused for the counter TTL)
-- ARGV[1]  holder id
-- ARGV[2]  lease, ms
-- ARGV[3]  positions wanted
-- ARGV[4]  the last position to start from when KEYS[2] is missing; negative: none known yet
-- ARGV[5]  counter TTL, ms
--
-- Returns {0, last} (last as a string) when taken (positions last + 1 .. last + ARGV[3] are the holder's),
-- {1, pttl} when another holder has the turn, {2, 0} when no position is known.
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return {1, redis.call('PTTL', KEYS[1])}
end
local last = redis.call('GET', KEYS[2])
if not last then
  if tonumber(ARGV[4]) < 0 then
    return {2, 0}
  end
  last = ARGV[4]
  redis.call('SET', KEYS[2], last)
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
-- INCRBY, not Lua arithmetic: Lua numbers are doubles, and positions are 64-bit.
redis.call('INCRBY', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {0, last}
