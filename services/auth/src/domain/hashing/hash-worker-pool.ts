import { Worker } from 'node:worker_threads';
import type { HashJob, HashResult } from './hash-job.ts';

type JobInput = HashJob extends infer Job ? (Job extends HashJob ? Omit<Job, 'id'> : never) : never;

interface Pending {
  job: HashJob;
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

/**
 * A fixed set of hashing threads, one job each at a time, jobs queued in arrival order.
 * Size it to the cores: more hashing threads than cores only lengthens every hash. The
 * threads run at a lower priority (see hash-worker.ts), so hashing never starves the event
 * loop's other work, yet uses every otherwise idle core.
 */
export class HashWorkerPool {
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Pending>();
  readonly #queue: Pending[] = [];
  readonly #workers: Worker[] = [];
  #nextId = 0;

  constructor(size: number, niceness: number) {
    for (let i = 0; i < size; i += 1) {
      const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { workerData: { niceness } });
      worker.on('message', (result: HashResult) => this.#settle(worker, result));
      worker.on('error', (error: Error) => this.#fail(worker, error));
      worker.unref();
      this.#workers.push(worker);
      this.#idle.push(worker);
    }
  }

  run(input: JobInput): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ job: { ...input, id: (this.#nextId += 1) }, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop() as Worker;
      const pending = this.#queue.shift() as Pending;
      this.#busy.set(worker, pending);
      worker.ref();
      worker.postMessage(pending.job);
    }
  }

  #settle(worker: Worker, result: HashResult): void {
    const pending = this.#busy.get(worker);
    this.#busy.delete(worker);
    worker.unref();
    this.#idle.push(worker);
    if (pending) {
      if (result.ok) pending.resolve(result.value);
      else pending.reject(new Error(result.error));
    }
    this.#dispatch();
  }

  #fail(worker: Worker, error: Error): void {
    this.#busy.get(worker)?.reject(error);
    this.#busy.delete(worker);
  }
}
