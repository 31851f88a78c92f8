-- Checks an offered code against the one stored under its key, as one atomic step: of concurrent
-- checks with the right code exactly one sees MATCH, and concurrent wrong guesses all count.
--
-- KEYS[1]  the code's key
-- KEYS[2]  the expiry index (see code-put.lua)
-- ARGV[1]  the key without prefix
-- ARGV[2]  the offered code
-- ARGV[3]  now, ms since the epoch (the node's clock)
-- ARGV[4]  attempts allowed
--
-- Returns 'MATCH' (the code is deleted), 'WRONG' (an attempt counted; at the limit the code is
-- deleted) or 'ABSENT' (no code, expired or used up; an expired or used-up one is deleted).
-- Lua strings are interned, so '==' compares references: its time does not say how much of a
-- guess was right.
local stored = redis.call('HMGET', KEYS[1], 'code', 'expires', 'attempts')
if not stored[1] then
  return 'ABSENT'
end
local attempts = tonumber(stored[3])
local allowed = tonumber(ARGV[4])
local function remove()
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
if tonumber(ARGV[3]) >= tonumber(stored[2]) or attempts >= allowed then
  remove()
  return 'ABSENT'
end
if stored[1] == ARGV[2] then
  remove()
  return 'MATCH'
end
attempts = attempts + 1
if attempts >= allowed then
  remove()
else
  redis.call('HSET', KEYS[1], 'attempts', attempts)
end
return 'WRONG'
