import type { MikroORM } from '@mikro-orm/postgresql';

/** How long one probe may take before the database counts as unreachable. */
const PROBE_TIMEOUT_MS = 1_000;

async function probe(orm: MikroORM, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = orm.em
    .getConnection()
    .execute('select 1')
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([answered, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Probes the database with `select 1` every `intervalMs` (one probe at a time) and calls
 * `onChange` with the first result and then whenever reachability flips, so a service's
 * health follows its database. Returns a function that stops the probing.
 */
export function watchDatabase(orm: MikroORM, onChange: (up: boolean) => void, intervalMs = 2_000): () => void {
  let stopped = false;
  let last: boolean | undefined;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const up = await probe(orm, Math.min(PROBE_TIMEOUT_MS, intervalMs));
    if (stopped) return;
    if (up !== last) {
      last = up;
      onChange(up);
    }
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref();
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
