-- Keeps a live node's session directory entries from expiring.
--
-- KEYS     device entries the node holds connections for
-- ARGV[1]  the node id
-- ARGV[2]  time to live (milliseconds)
--
-- Returns one code per key, in order:
--   1  the entry names this node: its time to live starts over
--   2  the entry was gone (expired while Redis or this node was unreachable): set again
--   0  the entry names another node (a newer connection there): left alone
local codes = {}
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if current == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    codes[i] = 1
  elseif not current then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    codes[i] = 2
  else
    codes[i] = 0
  end
end
return codes
