/**
 * The Redis side of the local-first limiter (local-first-limiter.ts): adds the hits a gateway
 * admitted since its last sync to one key's counter and reads back the global counts, in one
 * atomic step. The hash is the one sliding-window.lua.ts keeps (`window`, `current`,
 * `previous`, indexed by fixed windows of Redis's own clock), so a synchronous `consume` on
 * the same key and this script share one counter.
 *
 * KEYS[1] the counter hash; ARGV increment (≥ 0; 0 only reads), window_ms.
 * Returns { window, current, previous, now_ms } after the increment, `window` being the
 * fixed window `current` belongs to and `now_ms` Redis's clock.
 */
export const syncWindowScript = `
local increment = tonumber(ARGV[1])
local window_ms = tonumber(ARGV[2])
local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = math.floor(now_ms / window_ms)

local state = redis.call('HMGET', KEYS[1], 'window', 'current', 'previous')
local stored_window = tonumber(state[1])
local current = tonumber(state[2]) or 0
local previous = tonumber(state[3]) or 0
if stored_window == nil or stored_window < window - 1 then
  current, previous = 0, 0
elseif stored_window == window - 1 then
  current, previous = 0, current
elseif stored_window > window then
  -- The Redis clock went backwards (failover to a lagging replica): keep the stored window.
  window = stored_window
end

if increment > 0 then
  current = current + increment
  redis.call('HSET', KEYS[1], 'window', window, 'current', current, 'previous', previous)
  redis.call('PEXPIRE', KEYS[1], window_ms * 2)
end

return { window, current, previous, now_ms }
`;
