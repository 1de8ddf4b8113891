import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { HashWorkerPool } from './hash-worker-pool.ts';

const parameters = { memoryKib: 19_456, timeCost: 2, parallelism: 1 };

/** Nice values of this process's threads (Linux /proc; field 19 of a task's stat line). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe(HashWorkerPool.name, () => {
  const sut = new HashWorkerPool(2, 7);
  afterAll(() => sut.close());

  it('hashes and verifies on its threads, queueing beyond its size', async () => {
    const hashes = await Promise.all(['a-password-1', 'a-password-2', 'a-password-3'].map((password) => sut.run({ op: 'hash', password, parameters })));
    expect(hashes.every((hash) => typeof hash === 'string' && hash.startsWith('$argon2id$'))).toBe(true);
    await expect(sut.run({ op: 'verify', hash: hashes[0] as string, password: 'a-password-1' })).resolves.toBe(true);
    await expect(sut.run({ op: 'verify', hash: hashes[0] as string, password: 'a-password-2' })).resolves.toBe(false);
  });

  it('reports a failing job as a rejection and keeps working', async () => {
    await expect(sut.run({ op: 'verify', hash: 'not a phc string', password: 'x' })).rejects.toBeInstanceOf(Error);
    await expect(sut.run({ op: 'hash', password: 'still-working', parameters })).resolves.toMatch(/^\$argon2id\$/);
  });

  it.runIf(process.platform === 'linux')('runs its threads at the configured lower priority', () => {
    expect(threadNiceValues().filter((nice) => nice === 7).length).toBeGreaterThanOrEqual(2);
  });
});
