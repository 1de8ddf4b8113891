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
 * The clock is Redis's own (`TIME`), so gateways with skewed clocks share one view.
 * Memory is one small hash per key, expiring after two windows of silence.
 *
 * KEYS[1] the counter hash; ARGV limit, window_ms, cost.
 * Returns { allowed (1|0), remaining, reset_ms (until the current window ends), retry_ms }.
 */
export const slidingWindowScript = `
local limit = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = math.floor(now_ms / window_ms)
local elapsed_ms = now_ms - window * window_ms

local state = redis.call('HMGET', KEYS[1], 'window', 'current', 'previous')
local stored_window = tonumber(state[1])
local current = tonumber(state[2]) or 0
local previous = tonumber(state[3]) or 0
if stored_window == nil or stored_window < window - 1 then
  current, previous = 0, 0
elseif stored_window == window - 1 then
  current, previous = 0, current
elseif stored_window > window then
  -- The Redis clock went backwards (e.g. failover to a lagging replica): stay in the stored
  -- window and count from its start, so nothing is forgotten (fail safe).
  window, elapsed_ms = stored_window, 0
end

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
