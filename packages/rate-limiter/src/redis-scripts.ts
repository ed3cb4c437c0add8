/**
 * The Lua scripts behind RedisStore: each decision is one atomic round trip.
 */

/**
 * The start every writing script shares: read Redis TIME (`clock`, to the microsecond), answer
 * {"late", clock} and write nothing once past the deadline in ARGV[deadline] (none when ""),
 * then take "now" from ARGV[now], or from Redis TIME when "". Defines `num`, which formats a
 * number with %.17g: Redis truncates Lua numbers to integers in replies, and Lua's default
 * tostring keeps only 14 digits.
 */
export const clockAndDeadline = (argv: {
  now: number;
  deadline: number;
}) => `local t = redis.call('TIME')
local clock = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local function num(x) return string.format('%.17g', x) end
local deadline = tonumber(ARGV[${argv.deadline}])
if deadline and clock > deadline then return {'late', num(clock)} end
local now = tonumber(ARGV[${argv.now}])
if not now then now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end`;

/**
 * The whole decision for one request, in one atomic round trip. KEYS[1] is a sorted set whose
 * members are the admitted requests (score = time in ms, member = "time-token:seq", unique per
 * request across processes). ARGV: limit, window in ms, now in ms or "" to read Redis TIME,
 * member suffix, deadline in Redis TIME ms (or "" for none).
 *
 * Past its deadline the caller has already been told "timeout", so the script writes nothing
 * and answers {"late", clock}. Otherwise the reply ends with the Redis clock it read (ms, to the
 * microsecond), from which the store keeps converting its deadlines into Redis's clock.
 *
 * It mirrors MemoryStore step for step: time never runs backwards for a key (the newest score
 * wins over an earlier clock), timestamps with now - t >= window leave, the request is admitted
 * and recorded if fewer than `limit` remain, and a denied request is not recorded. The key
 * expires one window after its newest admission, which is exactly when it becomes idle (with an
 * injected clock, whose time Redis cannot follow, no sooner than ten minutes after).
 *
 * Numbers travel as strings formatted with %.17g: Redis truncates Lua numbers to integers in
 * replies, and Lua's default tostring keeps only 14 digits.
 */
export const HIT_SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
${clockAndDeadline({ now: 3, deadline: 5 })}
-- Redis expires keys by its own clock. An injected clock (tests) is not that clock, and a key
-- must not vanish while that clock still counts it: it lives ten minutes, or the window if longer.
local ttl = math.ceil(window)
if ARGV[3] ~= '' then ttl = math.max(ttl, 600000) end
local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2]
if newest and tonumber(newest) > now then now = tonumber(newest) end
redis.call('ZREMRANGEBYSCORE', key, '-inf', num(now - window))
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, num(now), num(now) .. '-' .. ARGV[4])
  count = count + 1
  allowed = 1
  redis.call('PEXPIRE', key, ttl)
elseif redis.call('PTTL', key) == -1 then
  redis.call('PEXPIRE', key, ttl)
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]
local freeing = oldest
if allowed == 0 then
  freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')[2]
end
return {allowed, count, num(now), oldest, freeing, num(clock)}
`;
export const LATE = "late";

/**
 * The read-only `peek`: what HIT_SCRIPT would decide, with the same ARGV (minus the member
 * suffix and the deadline: run late, it still changes nothing) and the same first five reply
 * elements, but without a single write. The same clock rule and the same
 * expiry boundary (score <= now - window leaves), except that expired members are skipped by
 * rank rather than removed, and nothing is added or expired. So a peek on an unknown key
 * creates nothing (every read of a missing key is empty), and a peek on a live key leaves its
 * members and TTL exactly as they were. Exported only for the test that runs it with EVAL_RO.
 *
 * `count` is what is counted now, not including the peek, so the caller's arithmetic yields
 * `remaining = limit - count`. With nothing counted `oldest` is missing and is sent as "0"
 * (ignored then): a nil would cut the Lua array short.
 */
export const PEEK_SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function num(x) return string.format('%.17g', x) end
local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2]
if newest and tonumber(newest) > now then now = tonumber(newest) end
local stale = redis.call('ZCOUNT', key, '-inf', num(now - window))
local count = redis.call('ZCARD', key) - stale
local allowed = 0
if count < limit then allowed = 1 end
local oldest = redis.call('ZRANGE', key, stale, stale, 'WITHSCORES')[2] or '0'
local freeing = oldest
if allowed == 0 then
  local rank = stale + count - limit
  freeing = redis.call('ZRANGE', key, rank, rank, 'WITHSCORES')[2]
end
return {allowed, count, num(now), oldest, freeing}
`;
