import { setFlagsFromString } from 'node:v8';

/**
 * V8 garbage-collector settings for our request-serving processes, found with
 * `--trace-gc-nvp`, `--trace-incremental-marking` and `--trace-pretenuring-statistics` under
 * the bench's read load (README, Performance: "GC settings"):
 *
 * - No allocation-site pretenuring. V8 watches where objects are created and, when most
 *   objects from one place survive a collection, creates the later ones directly in the
 *   old generation. During start-up (migrations, module loading, the first calls) a few
 *   places on the request path look like that, and the decision is never revisited: each
 *   request then left objects in the old generation that died at once but, until the next
 *   full collection, kept the young objects they point to alive. profile-data copied
 *   1.4 MB in every young collection (3.8 ms pauses) instead of 40 KB (1.2 ms).
 * - Heap growing factor 4. After a full collection V8 sets the old generation's next limit
 *   to live size × a factor (about 1.1 by its own choice on a small heap that marks fast)
 *   plus one semi-space, and starts marking again well before that limit (with 16 MiB
 *   semi-spaces, once less than ~39 MB is left). With the gateway's ~28 MB live, a factor
 *   of 2 left it ~5 MB of growth: at 2,600 reads/s a full collection every ~6 s, and each
 *   one's ~35 ms of concurrent marking on a two-core machine (plus a 4–9 ms pause) set the
 *   read p99. With 4 the room is ~60 MB: one full collection per 15 s window, not two or three.
 */
export const HEAP_FLAGS = ['--no-allocation-site-pretenuring', '--heap-growing-percent=300'] as const;

/**
 * Settings V8 reads only when the process starts, so they go on `node`'s command line: the
 * launcher and the container images put them there (a test checks the Dockerfile).
 *
 * - Semi-spaces of at most 16 MiB. Node 24 lets the young generation grow to 64 MiB
 *   semi-spaces (128 MiB in all) on a machine with this much memory, and the gateway's grew
 *   that far under load: young collections every ~0.7 s whose pauses were 2–7 ms, most of it
 *   freeing the ArrayBuffers of thousands of socket reads at once. With 16 MiB they come
 *   four times as often at ~1 ms, and the memory saved (gateway 305 → 225 MiB peak RSS,
 *   profile-data 191 → 164) pays for the larger old generation the growing factor allows.
 */
export const HEAP_START_FLAGS = ['--max-semi-space-size=16'] as const;

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
