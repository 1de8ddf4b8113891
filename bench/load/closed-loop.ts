import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpSender } from './http-sender.ts';
import type { ClosedLoopSpec, LoadResult } from './spec.ts';
import { isSuccess, WindowRecorder } from './window-recorder.ts';

/** After a transport error, so a refused connection does not become a busy spin. */
const ERROR_BACKOFF_MS = 10;

/**
 * `connections` loops, each sending the next request when the previous one answered, until
 * the window closes. A request counts when it both started and finished inside the window;
 * throughput is those answers over the window's length.
 */
export async function runClosedLoop(spec: ClosedLoopSpec): Promise<LoadResult> {
  const sender = new HttpSender(spec.port, spec.requests, spec.connections);
  const recorder = new WindowRecorder(spec.durationMs);
  const start = performance.now();
  const windowStart = start + spec.warmupMs;
  const windowEnd = windowStart + spec.durationMs;
  let next = 0;

  const loop = async (): Promise<void> => {
    while (performance.now() < windowEnd) {
      const sentAt = performance.now();
      let outcome: unknown;
      try {
        outcome = await sender.send(next++);
      } catch (error) {
        outcome = error;
      }
      const answeredAt = performance.now();
      const inWindow = sentAt >= windowStart && answeredAt <= windowEnd;
      if (inWindow && typeof outcome === 'number' && isSuccess(outcome)) recorder.ok(answeredAt - sentAt);
      else if (inWindow) recorder.failed(outcome);
      if (typeof outcome !== 'number') await sleep(ERROR_BACKOFF_MS);
    }
  };

  try {
    await Promise.all(Array.from({ length: spec.connections }, loop));
  } finally {
    sender.close();
  }
  return recorder.result('closed');
}
