/**
 * Load generator entry, run in a worker thread: its own event loop, so the requests it
 * times never wait behind the bench's own bookkeeping (process sampling, reporting).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runClosedLoop } from './closed-loop.ts';
import { runOpenLoop } from './open-loop.ts';
import type { LoadSpec } from './spec.ts';

const spec = workerData as LoadSpec;
const result = spec.mode === 'closed' ? await runClosedLoop(spec) : await runOpenLoop(spec);
parentPort?.postMessage(result);
