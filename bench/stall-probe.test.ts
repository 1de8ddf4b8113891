import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startStallProbe, summarizeStalls, type StallProbe } from './stall-probe.ts';

describe(summarizeStalls.name, () => {
  const stalls = [
    { at: 1_000, ms: 20 },
    { at: 1_990, ms: 30 }, // begins before the window, reaches into it
    { at: 2_500, ms: 100 },
    { at: 3_000, ms: 15 }, // begins as the window ends: outside
  ];

  it('counts the stalls that overlap the window, the longest and their sum', () => {
    expect(summarizeStalls(stalls, 2_000, 3_000)).toEqual({ count: 2, longestMs: 100, totalMs: 130 });
  });

  it('reports nothing for a window without stalls', () => {
    expect(summarizeStalls(stalls, 4_000, 5_000)).toEqual({ count: 0, longestMs: 0, totalMs: 0 });
  });
});

describe('stall probe', () => {
  let sut: StallProbe | undefined;

  afterAll(async () => {
    await sut?.stop();
  });

  it('reports the time its process was not run', async () => {
    sut = await startStallProbe();
    const from = Date.now();
    process.kill(sut.pid, 'SIGSTOP');
    await sleep(80);
    process.kill(sut.pid, 'SIGCONT');
    await expect.poll(() => sut!.between(from, Date.now()).longestMs, { timeout: 5_000 }).toBeGreaterThanOrEqual(60);
    expect(sut.between(from - 60_000, from - 30_000).count).toBe(0);
  });

  it('stops its process', async () => {
    const pid = sut!.pid;
    await sut!.stop();
    sut = undefined;
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
