import { windowStateLua } from './window-state.lua.ts';

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
${windowStateLua}
if increment > 0 then
  current = current + increment
  redis.call('HSET', KEYS[1], 'window', window, 'current', current, 'previous', previous)
  redis.call('PEXPIRE', KEYS[1], window_ms * 2)
end

return { window, current, previous, now_ms }
`;
