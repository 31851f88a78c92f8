-- Takes over a send's claim whose holder's process is gone, unless the key changed since it was
-- read (another retry took it over, or the send was marked stored).
--
-- KEYS[1]  the send's key
-- ARGV[1]  the claim read, "p:<process>/<holder>"
-- ARGV[2]  the new claim
-- ARGV[3]  ms after which the new claim lapses unless released
--
-- Returns 1 when taken over, else 0.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
