import { Histogram } from './histogram.ts';
import { failureKey } from './http-sender.ts';
import type { LoadResult, LoadSpec } from './spec.ts';

/** Counts outcomes that fall inside the measured window; everything else is warm-up or tail. */
export class WindowRecorder {
  readonly #histogram = new Histogram();
  readonly #failures: Record<string, number> = {};
  readonly #windowMs: number;
  #ok = 0;
  #failed = 0;
  #unfinished = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  ok(latencyMs: number): void {
    this.#ok += 1;
    this.#histogram.recordMs(latencyMs);
  }

  failed(outcome: unknown): void {
    const key = failureKey(outcome);
    this.#failures[key] = (this.#failures[key] ?? 0) + 1;
    this.#failed += 1;
  }

  unfinished(): void {
    this.#unfinished += 1;
    this.failed('UNFINISHED');
  }

  result(mode: LoadSpec['mode']): LoadResult {
    return {
      mode,
      windowMs: this.#windowMs,
      ok: this.#ok,
      failures: this.#failures,
      failed: this.#failed,
      okPerSecond: this.#ok / (this.#windowMs / 1000),
      histogram: this.#histogram.toData(),
      unfinished: this.#unfinished,
    };
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
