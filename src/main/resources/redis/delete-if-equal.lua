-- Compare-and-delete: removes each key only while it still holds ARGV[1], so a newer value
-- written by someone else survives a late delete.
--
-- KEYS     the keys
-- ARGV[1]  the value the caller wrote
--
-- Returns how many keys were deleted.
local deleted = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    deleted = deleted + redis.call('DEL', key)
  end
end
return deleted
