import { Worker } from 'node:worker_threads';
import type { LoadResult, LoadSpec } from './spec.ts';

/** Beyond warm-up and window: the open loop's drain, plus slack. Past it the worker is ended. */
const OVERRUN_MS = 45_000;

/** Runs one load in a fresh worker thread and resolves with what it measured. */
export function runInWorker(spec: LoadSpec, signal?: AbortSignal): Promise<LoadResult> {
  signal?.throwIfAborted();
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: spec });
  return new Promise<LoadResult>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      signal?.removeEventListener('abort', onAbort);
      outcome();
      void worker.terminate();
    };
    const onAbort = (): void => {
      const reason: unknown = signal?.reason;
      finish(() => reject(reason instanceof Error ? reason : new Error(String(reason))));
    };
    const guard = setTimeout(
      () => finish(() => reject(new Error(`load worker overran its ${spec.warmupMs + spec.durationMs} ms`))),
      spec.warmupMs + spec.durationMs + OVERRUN_MS,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (result: LoadResult) => finish(() => resolve(result)));
    worker.once('error', (error: Error) => finish(() => reject(error)));
    worker.once('exit', (code) => finish(() => reject(new Error(`load worker exited with code ${code} before reporting`))));
  });
}
