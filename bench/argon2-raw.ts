import { performance } from 'node:perf_hooks';
// The auth service's own hasher: the raw figure is the hash exactly as sign-ins compute it.
import { PasswordHasher, type Argon2Parameters } from '../services/auth/src/domain/hashing/password-hasher.ts';

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
 *
 * They run on auth's hashing threads (a synchronous verify per job, at normal priority here
 * as nothing competes), not on the binding's asynchronous `verify`: that one went through
 * libuv's pool and kept only 1.77–1.84 of 2 cores busy, so it measured 6 % below what the
 * same parameters reach the way auth runs them, and flattered the login ratio.
 */
export async function measureRawArgon2(parameters: Argon2Parameters, loops: number, durationMs: number): Promise<RawArgon2Result> {
  const password = 'correct horse battery staple';
  const hasher = new PasswordHasher(parameters, { concurrency: loops, niceness: 0 });
  try {
    const phc = await hasher.hash(password);
    await Promise.all(Array.from({ length: loops }, () => hasher.verify(phc, password))); // warm-up

    let verifies = 0;
    let busyMs = 0;
    const start = performance.now();
    const end = start + durationMs;
    const loop = async (): Promise<void> => {
      while (performance.now() < end) {
        const began = performance.now();
        if (!(await hasher.verify(phc, password))) throw new Error('argon2 verify rejected the right password');
        busyMs += performance.now() - began;
        verifies += 1;
      }
    };
    await Promise.all(Array.from({ length: loops }, loop));
    const seconds = (performance.now() - start) / 1000;
    return { parameters, loops, verifies, seconds, verifiesPerSecond: verifies / seconds, meanVerifyMs: busyMs / verifies };
  } finally {
    await hasher.close();
  }
}
