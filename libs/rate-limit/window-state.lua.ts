/**
 * The Lua both window scripts start with: reads one key's counter hash and rolls it forward to
 * the fixed window of Redis's own clock (`TIME`, so gateways with skewed clocks share one view).
 * Expects `window_ms`; defines `now_ms`, `window`, `elapsed_ms` (into that window), `current`
 * and `previous`. If the Redis clock went backwards (failover to a lagging replica) it stays in
 * the stored window and counts from its start, so nothing is forgotten (fail safe).
 */
export const windowStateLua = `
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
  window, elapsed_ms = stored_window, 0
end
`;
