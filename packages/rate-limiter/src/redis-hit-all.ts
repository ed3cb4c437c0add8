import { RateLimitStoreUnavailableError } from "./errors.ts";
import { clockAndDeadline } from "./redis-scripts.ts";
import { toDecision } from "./sliding-log.ts";
import type { RateLimitDecision, StoreHit } from "./types.ts";

/**
 * RedisStore's `hitAll`, all or nothing in one atomic script: HIT_SCRIPT's reading of every
 * key, then either HIT_SCRIPT's writes on every key or, when any key is full, PEEK_SCRIPT's
 * answers and no write at all. KEYS: the keys. ARGV: now in ms or "" to read Redis TIME, member
 * suffix, deadline in Redis TIME ms (or "" for none), then each key's limit and window in ms.
 *
 * Past its deadline it writes nothing and answers {"late", clock}, as HIT_SCRIPT does.
 * Otherwise: {admitted (1 or 0), then per key allowed, count, now, oldest, freeing (PEEK_SCRIPT's
 * meaning when refused), then the Redis clock}. Each key keeps its own "now": time never runs
 * backwards for a key. Admitted members are "now-suffix", so a late answer can be taken back.
 */
export const HIT_ALL_SCRIPT = `
${clockAndDeadline({ now: 1, deadline: 3 })}
local at, stale, count = {}, {}, {}
local admit = 1
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i + 2])
  local window = tonumber(ARGV[2 * i + 3])
  at[i] = now
  local newest = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')[2]
  if newest and tonumber(newest) > now then at[i] = tonumber(newest) end
  stale[i] = redis.call('ZCOUNT', KEYS[i], '-inf', num(at[i] - window))
  count[i] = redis.call('ZCARD', KEYS[i]) - stale[i]
  if count[i] >= limit then admit = 0 end
end
local reply = {admit}
for i = 1, #KEYS do
  local key = KEYS[i]
  local limit = tonumber(ARGV[2 * i + 2])
  local window = tonumber(ARGV[2 * i + 3])
  local c, s, allowed = count[i], stale[i], 0
  if admit == 1 then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', num(at[i] - window))
    s = 0
    redis.call('ZADD', key, num(at[i]), num(at[i]) .. '-' .. ARGV[2])
    -- As in HIT_SCRIPT: an injected clock's key lives at least ten minutes of Redis time.
    local ttl = math.ceil(window)
    if ARGV[1] ~= '' then ttl = math.max(ttl, 600000) end
    redis.call('PEXPIRE', key, ttl)
    c = c + 1
    allowed = 1
  elseif c < limit then
    allowed = 1
  end
  local oldest = redis.call('ZRANGE', key, s, s, 'WITHSCORES')[2] or '0'
  local freeing = oldest
  if allowed == 0 then
    local rank = s + c - limit
    freeing = redis.call('ZRANGE', key, rank, rank, 'WITHSCORES')[2]
  end
  for _, v in ipairs({allowed, c, num(at[i]), oldest, freeing}) do reply[#reply + 1] = v end
end
reply[#reply + 1] = num(clock)
return reply
`;

/** HIT_ALL_SCRIPT's ARGV after its first three. */
export function hitAllArgs(hits: readonly StoreHit[]): string[] {
  return hits.flatMap(({ limit, windowMs }) => [String(limit), String(windowMs)]);
}

/** The decisions in a (not late) HIT_ALL_SCRIPT reply. */
export function hitAllDecisions(reply: unknown, hits: readonly StoreHit[]): RateLimitDecision[] {
  if (!Array.isArray(reply) || reply.length !== 2 + 5 * hits.length) {
    throw new RateLimitStoreUnavailableError(
      "server",
      `unexpected reply from the rate-limit hitAll script: ${JSON.stringify(reply)}`,
    );
  }
  return hits.map(({ limit, windowMs }, i) => {
    const [allowed, count, now, oldest, freeing] = reply
      .slice(1 + 5 * i, 6 + 5 * i)
      .map(Number) as [number, number, number, number, number];
    return toDecision(allowed === 1, limit, windowMs, now, count, oldest, freeing);
  });
}

/** The members an admitting HIT_ALL_SCRIPT reply added, one per key, to take back. */
export function hitAllMembers(reply: unknown, keys: readonly string[], suffix: string) {
  if (!Array.isArray(reply) || Number(reply[0]) !== 1) return [];
  return keys.map((key, i) => ({ key, member: `${reply[3 + 5 * i]}-${suffix}` }));
}
