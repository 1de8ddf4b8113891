import type { core } from 'zod';

/**
 * The `when` of a refinement across several variables: run it whenever those variables are
 * valid, even if others are not. Zod skips an object's refinements after any field fails, so
 * a start-up error would name the bad fields first and the broken combination only on the
 * next attempt; with this it lists every problem at once.
 */
export function whenValid(...keys: string[]): (payload: core.ParsePayload) => boolean {
  return (payload) => !payload.issues.some((issue) => keys.includes(String(issue.path?.[0])));
}
