import { describe, expect, it } from 'vitest';
import { Histogram } from './histogram.ts';

describe(Histogram.name, () => {
  it('reports percentiles within 1 % and the exact maximum', () => {
    const sut = new Histogram();
    for (let value = 1; value <= 1000; value += 1) sut.recordMs(value / 10); // 0.1 .. 100 ms

    const summary = sut.summary();
    expect(summary.count).toBe(1000);
    expect(summary.p50Ms).toBeGreaterThanOrEqual(50);
    expect(summary.p50Ms).toBeLessThanOrEqual(50 * 1.01);
    expect(summary.p99Ms).toBeGreaterThanOrEqual(99);
    expect(summary.p99Ms).toBeLessThanOrEqual(99 * 1.01);
    expect(summary.maxMs).toBe(100);
  });

  it('merges what other workers recorded', () => {
    const fast = new Histogram();
    const slow = new Histogram();
    for (let index = 0; index < 98; index += 1) fast.recordMs(1);
    slow.recordMs(500);
    slow.recordMs(800);

    const sut = Histogram.from(fast.toData()).merge(slow);
    expect(sut.count).toBe(100);
    expect(sut.percentileMs(0.98)).toBeLessThanOrEqual(1.01);
    expect(sut.percentileMs(0.99)).toBeGreaterThanOrEqual(500);
    expect(sut.summary().maxMs).toBe(800);
  });

  it('has no percentiles before anything is recorded', () => {
    expect(new Histogram().percentileMs(0.5)).toBeNaN();
  });
});
