-- Removes one device of an account from its connected devices and records the account's last
-- seen as the latest of its devices' leaving times (two leaving at once may arrive in either
-- order, and the account's last seen is the later one).
--
-- KEYS[1]  the account's connected devices (see presence-connect.lua)
-- KEYS[2]  the account's last seen (ms since the epoch, as a string)
-- ARGV[1]  the device id
-- ARGV[2]  the last seen to record
-- ARGV[3]  how long the last seen is kept (ms)
--
-- Returns how many of the account's devices are still connected.
if redis.replicate_commands then
  redis.replicate_commands()
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZREM', KEYS[1], ARGV[1])
local left = redis.call('ZCARD', KEYS[1])
local previous = tonumber(redis.call('GET', KEYS[2])) or 0
if tonumber(ARGV[2]) > previous then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', tonumber(ARGV[3]))
else
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
end
return left
