import type { Argon2Parameters } from './hash-job.ts';
import { HashWorkerPool } from './hash-worker-pool.ts';

export type { Argon2Parameters } from './hash-job.ts';

const PHC_PARAMETERS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

export interface PasswordHasherOptions {
  /** Hashes computed at once: one thread each. */
  concurrency: number;
  /** Nice value of the hashing threads (0 = same priority as the request path). */
  niceness: number;
}

/** argon2id password hashing with configured parameters, off the event loop. */
export class PasswordHasher {
  readonly #parameters: Argon2Parameters;
  readonly #pool: HashWorkerPool;
  #dummyHash: Promise<string> | undefined;

  constructor(parameters: Argon2Parameters, options: PasswordHasherOptions) {
    this.#parameters = parameters;
    this.#pool = new HashWorkerPool(options.concurrency, options.niceness);
  }

  async hash(password: string): Promise<string> {
    return (await this.#pool.run({ op: 'hash', password, parameters: this.#parameters })) as string;
  }

  async verify(phcHash: string, password: string): Promise<boolean> {
    try {
      return (await this.#pool.run({ op: 'verify', hash: phcHash, password })) as boolean;
    } catch {
      return false;
    }
  }

  /**
   * Makes the hash that unknown accounts are checked against, before the first one asks:
   * made on demand instead, that first sign-in would cost a hash and a verify, slower than
   * a real account's, and tell that the email is unknown.
   */
  async prepare(): Promise<void> {
    await this.#dummy();
  }

  /** Spends the same work as a real verify, for callers whose account does not exist. */
  async verifyAgainstDummy(password: string): Promise<false> {
    await this.verify(await this.#dummy(), password);
    return false;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= this.hash('dummy password for unknown accounts');
    return this.#dummyHash;
  }

  /** True when a stored hash used other parameters than the configured ones. */
  needsRehash(phcHash: string): boolean {
    const match = PHC_PARAMETERS.exec(phcHash);
    if (!match) return true;
    const { memoryKib, timeCost, parallelism } = this.#parameters;
    return Number(match[1]) !== memoryKib || Number(match[2]) !== timeCost || Number(match[3]) !== parallelism;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
