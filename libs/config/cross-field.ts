import type { core } from 'zod';

/**
 * The `when` of a refinement across several variables: run it whenever those variables are
 * valid, even if others are not. Zod skips an object's refinements after any field fails, so
 * a start-up error would name the bad fields first and the broken combination only on the
 * next attempt; with this it lists every problem at once.
 */
function whenValid(keys: readonly string[]): (payload: core.ParsePayload) => boolean {
  return (payload) => !payload.issues.some((issue) => keys.includes(String(issue.path?.[0])));
}

/**
 * The options of a `.refine` across variables: reported on the first of `keys`, and checked
 * whenever all of them parsed (see `whenValid`), so every check across variables gets both.
 */
export function acrossFields(keys: readonly [string, ...string[]], message: string) {
  return { message, path: [keys[0]], when: whenValid(keys) };
}
