-- Claims a send's dedupe key, unless a send holds it ("p:<process>/<holder>") or was stored
-- ("s:<timestamp>").
--
-- KEYS[1]  the send's key
-- ARGV[1]  "p:<process>/<holder>"
-- ARGV[2]  ms after which an unreleased claim lapses
--
-- Returns '' when claimed, else the value found.
local found = redis.call('GET', KEYS[1])
if found then
  return found
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ''
