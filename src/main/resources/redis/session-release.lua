-- Compare-and-delete of session directory entries: removes each entry only while it still names
-- the node letting go, so a newer registration by another node survives a late unregister.
--
-- KEYS     device entries
-- ARGV[1]  the node id letting go
--
-- Returns how many entries were deleted.
local deleted = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    deleted = deleted + redis.call('DEL', key)
  end
end
return deleted
