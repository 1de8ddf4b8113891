import { hash, verify, type Algorithm } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum, unusable under isolatedModules; 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;

export interface Argon2Parameters {
  memoryKib: number;
  timeCost: number;
  parallelism: number;
}

/** Bounds how many hashes run at once, queueing the rest in arrival order. */
class Semaphore {
  #available: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#available = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#available > 0) this.#available -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#available += 1;
    }
  }
}

const PHC_PARAMETERS = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * argon2id password hashing with configured parameters. Work is capped at `concurrency`
 * hashes in flight, so hashing never takes every libuv thread from the rest of the process.
 */
export class PasswordHasher {
  readonly #parameters: Argon2Parameters;
  readonly #semaphore: Semaphore;
  #dummyHash: Promise<string> | undefined;

  constructor(parameters: Argon2Parameters, concurrency: number) {
    this.#parameters = parameters;
    this.#semaphore = new Semaphore(concurrency);
  }

  hash(password: string): Promise<string> {
    const { memoryKib, timeCost, parallelism } = this.#parameters;
    return this.#semaphore.run(() =>
      hash(password, { algorithm: ARGON2ID, memoryCost: memoryKib, timeCost, parallelism }),
    );
  }

  verify(phcHash: string, password: string): Promise<boolean> {
    return this.#semaphore.run(async () => {
      try {
        return await verify(phcHash, password);
      } catch {
        return false;
      }
    });
  }

  /** Spends the same work as a real verify, for callers whose account does not exist. */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.#dummyHash ??= this.hash('dummy password for unknown accounts');
    await this.verify(await this.#dummyHash, password);
    return false;
  }

  /** True when a stored hash used other parameters than the configured ones. */
  needsRehash(phcHash: string): boolean {
    const match = PHC_PARAMETERS.exec(phcHash);
    if (!match) return true;
    const { memoryKib, timeCost, parallelism } = this.#parameters;
    return Number(match[1]) !== memoryKib || Number(match[2]) !== timeCost || Number(match[3]) !== parallelism;
  }
}
