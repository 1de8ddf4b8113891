import { randomBytes } from 'node:crypto';

/** Base-36 milliseconds, fixed width, so the creation time can be read back from any name. */
const TIME_WIDTH = 9;

/** A fresh run token: creation time then randomness, lowercase letters and digits only. */
export function newRunToken(now: number = Date.now()): string {
  return now.toString(36).padStart(TIME_WIDTH, '0') + randomBytes(5).toString('hex');
}

/** The names every isolated environment derives from its token, in one place. */
export const isolatedNames = {
  database: (token: string) => `egp_t_${token}`,
  redisKeyPrefix: (token: string) => `egp-t-${token}:`,
  eventsStream: (token: string) => `EGPT_${token.toUpperCase()}`,
  eventsSubjectPrefix: (token: string) => `egpt${token}`,
};

/** Prefixes the sweep looks for; each is followed by a run token. */
export const sweptPrefixes = { database: 'egp_t_', redisKey: 'egp-t-', stream: 'EGPT_' } as const;

/** When the environment owning `name` was created, or undefined if `name` is not one of ours. */
export function createdAtOf(name: string, prefix: string): number | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const time = name.slice(prefix.length, prefix.length + TIME_WIDTH);
  if (!/^[0-9a-z]+$/i.test(time) || time.length !== TIME_WIDTH) return undefined;
  const millis = Number.parseInt(time, 36);
  return Number.isSafeInteger(millis) ? millis : undefined;
}
