import { performance } from 'node:perf_hooks';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum, unusable under isolatedModules; 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;

export interface Argon2Parameters {
  memoryKib: number;
  timeCost: number;
  parallelism: number;
}

export interface RawArgon2Result {
  parameters: Argon2Parameters;
  loops: number;
  verifies: number;
  seconds: number;
  verifiesPerSecond: number;
  /** Mean time of one verify while `loops` run side by side. */
  meanVerifyMs: number;
}

/**
 * The ceiling for password logins on this machine: `loops` verify loops side by side (one
 * per core) against one pre-computed hash, for `durationMs`, with nothing else in the way.
 */
export async function measureRawArgon2(parameters: Argon2Parameters, loops: number, durationMs: number): Promise<RawArgon2Result> {
  const password = 'correct horse battery staple';
  const { memoryKib, timeCost, parallelism } = parameters;
  const phc = await hash(password, { algorithm: ARGON2ID, memoryCost: memoryKib, timeCost, parallelism });
  await Promise.all(Array.from({ length: loops }, () => verify(phc, password))); // warm-up

  let verifies = 0;
  let busyMs = 0;
  const start = performance.now();
  const end = start + durationMs;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const began = performance.now();
      if (!(await verify(phc, password))) throw new Error('argon2 verify rejected the right password');
      busyMs += performance.now() - began;
      verifies += 1;
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  const seconds = (performance.now() - start) / 1000;
  return { parameters, loops, verifies, seconds, verifiesPerSecond: verifies / seconds, meanVerifyMs: busyMs / verifies };
}
