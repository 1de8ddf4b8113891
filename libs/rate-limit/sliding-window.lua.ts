import { windowStateLua } from './window-state.lua.ts';

/**
 * Sliding-window counter (the approximation Cloudflare and nginx use), evaluated atomically
 * in Redis so a parallel burst cannot slip past a read-then-write race.
 *
 * Time is cut into fixed windows of `window_ms`. One hash per key keeps the index of the
 * window last written, the count in it (`current`) and the count of the window before it
 * (`previous`). The load "now" is `previous` weighted by the share of the previous window
 * that still overlaps a sliding window ending now, plus `current`. A request of weight
 * `cost` is allowed when that load plus `cost` stays within `limit`; a denied request is
 * not counted, so a caller who keeps hammering gets exactly `limit` per sliding window.
 *
 * The clock is Redis's own (`TIME`, see window-state.lua.ts), so gateways with skewed clocks share one view.
 * Memory is one small hash per key, expiring after two windows of silence.
 *
 * KEYS[1] the counter hash; ARGV limit, window_ms, cost.
 * Returns { allowed (1|0), remaining, reset_ms (until the current window ends), retry_ms }.
 */
export const slidingWindowScript = `
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
${windowStateLua}
local used = previous * (window_ms - elapsed_ms) / window_ms + current
local allowed = used + cost <= limit
local retry_ms = 0
if allowed then
  current = current + cost
  used = used + cost
  redis.call('HSET', KEYS[1], 'window', window, 'current', current, 'previous', previous)
  redis.call('PEXPIRE', KEYS[1], window_ms * 2)
elseif cost > limit then
  retry_ms = window_ms
else
  local room = limit - cost - current
  if room >= 0 and previous > 0 then
    -- Fits later in this window, once the previous window's weight has decayed enough.
    retry_ms = math.ceil(window_ms * (1 - room / previous)) - elapsed_ms
  else
    -- Fits only in the next window, once this window's count (then "previous") has decayed.
    local decay_ms = 0
    if current > 0 then decay_ms = math.max(0, math.ceil(window_ms * (1 - (limit - cost) / current))) end
    retry_ms = window_ms - elapsed_ms + decay_ms
  end
  if retry_ms < 1 then retry_ms = 1 end
end

return { allowed and 1 or 0, math.max(0, math.floor(limit - used)), window_ms - elapsed_ms, retry_ms }
`;
