import { setTimeout as sleep } from 'node:timers/promises';
import { cpuReport, takeSnapshot, type CpuReport } from './cpu-accounting.ts';

const PROBE_MS = 1_000;
/** More foreign load than this (in cores) makes a measurement suspect. */
export const FOREIGN_LOAD_LIMIT_CORES = 0.25;

/** Cores busy with anything but `ours` (the system under test and the bench itself). */
export function foreignLoad(report: CpuReport, ours: Record<string, number>): number {
  const mine = Object.entries(report.cores)
    .filter(([name]) => name in ours)
    .reduce((sum, [, cores]) => sum + (Number.isFinite(cores) ? cores : 0), 0);
  return Math.max(0, report.coresMachineBusy - mine);
}

export interface QuietCheck {
  /** Cores busy with work other than ours in the last probe second. */
  foreignCores: number;
  waitedMs: number;
  quiet: boolean;
}

/**
 * This machine is shared: other people's test runs would steal cores from the system under
 * test and understate every number. Before each phase the gate waits, one probe second at a
 * time, until no more than `thresholdCores` are busy with anything but our processes, up to
 * a budget for the whole run, so the bench still ends in bounded time on a busy machine.
 * The same budget pays for measuring a phase again when other work disturbed it.
 */
export class QuietGate {
  readonly #thresholdCores: number;
  readonly #log: (line: string) => void;
  #budgetMs: number;

  constructor(budgetMs: number, log: (line: string) => void, thresholdCores = FOREIGN_LOAD_LIMIT_CORES) {
    this.#thresholdCores = thresholdCores;
    this.#log = log;
    this.#budgetMs = budgetMs;
  }

  /** Takes `ms` from the budget for measuring a phase again; false when not enough is left. */
  trySpend(ms: number): boolean {
    if (this.#budgetMs < ms) return false;
    this.#budgetMs -= ms;
    return true;
  }

  async wait(ours: Record<string, number>, signal?: AbortSignal): Promise<QuietCheck> {
    let waitedMs = 0;
    for (;;) {
      signal?.throwIfAborted();
      const before = takeSnapshot();
      await sleep(PROBE_MS);
      const report = cpuReport('probe', before, takeSnapshot(), ours);
      const foreignCores = foreignLoad(report, ours);
      const quiet = foreignCores <= this.#thresholdCores;
      const rounded = Math.round(foreignCores * 100) / 100;
      if (quiet || this.#budgetMs <= 0) return { foreignCores: rounded, waitedMs, quiet };
      if (waitedMs === 0) this.#log(`other work is using ${rounded} cores; waiting for it (up to ${this.#budgetMs / 1000} s in all)`);
      waitedMs += PROBE_MS;
      this.#budgetMs -= PROBE_MS;
    }
  }
}
