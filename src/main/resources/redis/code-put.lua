-- Stores a single-use code under its key, replacing any previous one (attempts start at 0).
--
-- KEYS[1]  the code's key
-- KEYS[2]  the expiry index: a sorted set of code keys (without prefix) by expires_at
-- ARGV[1]  the key without prefix, as the index names it
-- ARGV[2]  the code
-- ARGV[3]  the number it was sent to
-- ARGV[4]  expires_at, ms since the epoch (the node's clock, as checks compare it)
-- ARGV[5]  ms until Redis drops the code: its time left plus a grace (the sweep usually deletes
--          it first)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'code', ARGV[2], 'number', ARGV[3], 'expires', ARGV[4], 'attempts', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
