-- Forgets a send's dedupe key (its record is gone): deletes it when it holds the stored mark
-- "s:<timestamp>" given, or a claim "p:<process>/<holder>", which a stored send keeps until it lapses.
--
-- KEYS[1]  the send's key
-- ARGV[1]  "s:<timestamp>"
--
-- Returns 1 when deleted, else 0.
local found = redis.call('GET', KEYS[1])
if found and (found == ARGV[1] or string.sub(found, 1, 2) == 'p:') then
  return redis.call('DEL', KEYS[1])
end
return 0
