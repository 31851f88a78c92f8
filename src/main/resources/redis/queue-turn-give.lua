-- Gives a device's turn back. The turn was kept when it is still the caller's, or when it lapsed
-- and nobody took the device since: the counter still ends at the caller's last position.
--
-- KEYS[1]  the device's turn
-- KEYS[2]  the device's last position given out
-- ARGV[1]  holder id
-- ARGV[2]  the caller's last position
--
-- Returns 1 when the turn was kept, else 0.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
if not holder and redis.call('GET', KEYS[2]) == ARGV[2] then
  return 1
end
return 0
