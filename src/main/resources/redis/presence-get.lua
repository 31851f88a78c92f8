-- An account's presence: {connected devices, last seen (0 when never seen)}.
--
-- KEYS[1]  the account's connected devices (see presence-connect.lua)
-- KEYS[2]  the account's last seen
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local connected = redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
local lastSeen = tonumber(redis.call('GET', KEYS[2])) or 0
return {connected, lastSeen}
