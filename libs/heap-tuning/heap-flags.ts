import { setFlagsFromString } from 'node:v8';

/**
 * V8 garbage-collector settings for our request-serving processes. Both were found with
 * `--trace-gc-nvp` and `--trace-pretenuring-statistics` under the bench's read load
 * (README, Performance); together they halved the read p99 in paired runs there:
 *
 * - No allocation-site pretenuring. V8 watches where objects are created and, when most
 *   objects from one place survive a collection, creates the later ones directly in the
 *   old generation. During start-up (migrations, module loading, the first calls) a few
 *   places on the request path look like that, and the decision is never revisited: each
 *   request then left objects in the old generation that died at once but, until the next
 *   full collection, kept the young objects they point to alive. profile-data copied
 *   1.4 MB in every young collection (3.8 ms pauses) instead of 40 KB (1.2 ms).
 * - Heap growing factor 2. V8 sizes the old generation's next limit from what survived
 *   the last full collection times a factor it derives from how fast collections run; on
 *   a small, fast-to-mark heap it picks about 1.1, which with a large young generation left
 *   the gateway room for only ~6 MB of growth: a full collection (5–12 ms pause) every
 *   second or so. With the factor fixed at 2 the heap may grow by its live size first.
 */
export const HEAP_FLAGS = ['--no-allocation-site-pretenuring', '--heap-growing-percent=100'] as const;

/** `--no-foo_bar=1` → `foo-bar`: how V8 names a flag whatever its spelling. */
function flagName(argument: string): string {
  return argument
    .replace(/^--/, '')
    .replace(/=.*$/, '')
    .replace(/^no-?/, '')
    .replaceAll('_', '-');
}

/** The flags still to set: one given on the command line (`node --heap-growing-percent=50 …`) wins. */
export function flagsToApply(execArgv: readonly string[]): string[] {
  const given = new Set(execArgv.filter((argument) => argument.startsWith('--')).map(flagName));
  return HEAP_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

/** Sets the flags for this process; takes effect for what is allocated from then on. */
export function applyHeapFlags(execArgv: readonly string[]): void {
  for (const flag of flagsToApply(execArgv)) setFlagsFromString(flag);
}
