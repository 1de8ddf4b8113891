import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpSender } from './http-sender.ts';
import type { LoadResult, OpenLoopSpec } from './spec.ts';
import { isSuccess, WindowRecorder } from './window-recorder.ts';

/** How long requests still in flight after the last scheduled one may take to answer. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Request i is due at start + i / rate. Each is sent as soon as it is due, whatever the
 * previous ones are doing, and its latency runs from when it was due, not from when it
 * went out: a stalled server (or a late timer here) is charged to every request it delayed.
 * Requests due inside the window are recorded.
 */
export async function runOpenLoop(spec: OpenLoopSpec): Promise<LoadResult> {
  const sender = new HttpSender(spec.port, spec.requests, spec.maxConnections);
  const recorder = new WindowRecorder(spec.durationMs);
  const intervalMs = 1000 / spec.ratePerSecond;
  const start = performance.now();
  const windowStart = start + spec.warmupMs;
  const windowEnd = windowStart + spec.durationMs;
  const pending = new Map<number, number>(); // request index → due time, for those in the window
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const fire = (index: number, dueAt: number): void => {
    const recorded = dueAt >= windowStart;
    if (recorded) pending.set(index, dueAt);
    inFlight += 1;
    const settle = (outcome: unknown): void => {
      inFlight -= 1;
      if (recorded && pending.delete(index)) {
        if (typeof outcome === 'number' && isSuccess(outcome)) recorder.ok(performance.now() - dueAt);
        else recorder.failed(outcome);
      }
      if (inFlight === 0) drained?.();
    };
    sender.send(index).then(settle, settle);
  };

  let index = 0;
  for (;;) {
    const now = performance.now();
    for (let dueAt = start + index * intervalMs; dueAt <= now && dueAt < windowEnd; dueAt = start + index * intervalMs) {
      fire(index, dueAt);
      index += 1;
    }
    const nextDue = start + index * intervalMs;
    if (nextDue >= windowEnd) break;
    await sleep(Math.max(0, nextDue - performance.now()));
  }

  if (inFlight > 0) {
    const allAnswered = new Promise<void>((resolve) => (drained = resolve));
    await Promise.race([allAnswered, sleep(DRAIN_TIMEOUT_MS)]);
  }
  for (let left = pending.size; left > 0; left -= 1) recorder.unfinished();
  pending.clear();
  sender.close();
  return recorder.result('open');
}
