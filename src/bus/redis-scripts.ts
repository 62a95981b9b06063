/**
 * The Lua scripts of the Redis bus. Both start with a shebang (Redis ≥ 7.0), so Redis refuses a
 * script whole when it is out of memory instead of failing it halfway through.
 *
 * The epoch names one life of the stream: it is created with the stream's first entry and lives as
 * long as Redis keeps its data. When Redis loses it (restart without persistence, FLUSHALL, failover
 * to an empty replica), the next script to run creates a new one and appends it to the epochs
 * stream, whose time-based ids grow across the loss: every instance tailing it wakes up at once
 * and re-attaches to the new stream, whose entries restart at `1-0`.
 */

/** KEYS[1] epoch, KEYS[2] epochs stream; `candidate` becomes the epoch when there is none. */
const ENSURE_EPOCH = `
local function ensure_epoch(candidate)
  local epoch = redis.call('GET', KEYS[1])
  if epoch then return epoch end
  redis.call('SET', KEYS[1], candidate)
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', 16, '*', 'epoch', candidate)
  return candidate
end
`;

/**
 * The current epoch (created when missing) and the id of the newest entry of the epochs stream.
 * KEYS: epoch, epochs stream. ARGV: candidate epoch.
 */
export const ATTACH_SCRIPT = `#!lua
${ENSURE_EPOCH}
local epoch = ensure_epoch(ARGV[1])
local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)[1]
return {epoch, newest and newest[1] or '0-0'}
`;

/**
 * Dedupe, ordering and append in one atomic step, so two instances that get the same redelivery
 * at once still deliver it once. Every check comes first and the entry is appended before the
 * event is marked seen: a failure leaves no mark, so Wix's retry is accepted, never answered
 * "duplicate" for an event that was not logged. Entries get dense ids `<n>-0` from a counter (kept
 * ahead of the stream even if it was lost), so a trimmed gap after a cursor is visible.
 * KEYS: epoch, epochs stream, seen-id key, ordering hash, stream, counter. ARGV: TTL (s), sequence,
 * topics (comma-separated), stream max length, event JSON, candidate epoch. Sequences are int64
 * decimal strings compared by length then bytes (Lua numbers are doubles and would lose precision).
 * Returns {verdict, entry id, delivered topics, epoch}.
 */
export const PUBLISH_SCRIPT = `#!lua
${ENSURE_EPOCH}
local epoch = ensure_epoch(ARGV[6])
-- A duplicate or stale event still writes (its marks live on): a WAIT after it then also covers the
-- write of the event it repeats, which may not have reached the replicas yet.
if redis.call('EXPIRE', KEYS[3], ARGV[1]) == 1 then return {'duplicate', '', '', epoch} end
local seq, topics = ARGV[2], ARGV[3]
local function cmp(a, b)
  if #a ~= #b then return #a < #b and -1 or 1 end
  if a == b then return 0 end
  return a < b and -1 or 1
end
local known = redis.call('HMGET', KEYS[4], 'seq', 'topics')
local deliver, all = topics, topics
if known[1] then
  local order = cmp(seq, known[1])
  if order < 0 then
    redis.call('EXPIRE', KEYS[4], ARGV[1])
    return {'stale', '', '', epoch}
  end
  if order == 0 then
    local had, fresh = {}, {}
    for t in string.gmatch(known[2] or '', '[^,]+') do had[t] = true end
    for t in string.gmatch(topics, '[^,]+') do if not had[t] then table.insert(fresh, t) end end
    if #fresh == 0 then
      redis.call('EXPIRE', KEYS[4], ARGV[1])
      return {'stale', '', '', epoch}
    end
    deliver = table.concat(fresh, ',')
    all = (known[2] or '') .. ',' .. deliver
  end
end
local top = redis.call('XREVRANGE', KEYS[5], '+', '-', 'COUNT', 1)[1]
local n = redis.call('INCR', KEYS[6])
if top then
  local kept = tonumber(string.match(top[1], '^(%d+)'))
  if kept >= n then
    n = kept + 1
    redis.call('SET', KEYS[6], string.format('%d', n))
  end
end
local now = redis.call('TIME')
local at = now[1] * 1000 + math.floor(now[2] / 1000)
local id = redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], string.format('%d-0', n),
  'topics', deliver, 'at', at, 'epoch', epoch, 'event', ARGV[5])
redis.call('SET', KEYS[3], '1', 'EX', ARGV[1])
redis.call('HSET', KEYS[4], 'seq', seq, 'topics', all)
redis.call('EXPIRE', KEYS[4], ARGV[1])
return {'accepted', id, deliver, epoch}
`;
