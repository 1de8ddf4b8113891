import { hashSync, verifySync, type Algorithm } from '@node-rs/argon2';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { HashJob, HashResult } from './hash-job.ts';

// `Algorithm` is an ambient const enum, unusable under isolatedModules; 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;

/**
 * Lowers this thread's CPU priority (Linux: a thread has its own nice value, found through
 * /proc/thread-self), so that under contention the event loops answering reads win over
 * password hashing, and hashing still gets every idle cycle.
 */
function lowerOwnPriority(niceness: number): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && niceness > 0) setPriority(threadId, niceness);
  } catch {
    // Not Linux, or not permitted: hashing simply runs at normal priority.
  }
}

lowerOwnPriority((workerData as { niceness: number }).niceness);

parentPort?.on('message', (job: HashJob) => {
  let result: HashResult;
  try {
    if (job.op === 'hash') {
      const { memoryKib, timeCost, parallelism } = job.parameters;
      result = { id: job.id, ok: true, value: hashSync(job.password, { algorithm: ARGON2ID, memoryCost: memoryKib, timeCost, parallelism }) };
    } else {
      result = { id: job.id, ok: true, value: verifySync(job.hash, job.password) };
    }
  } catch (error) {
    result = { id: job.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(result);
});
