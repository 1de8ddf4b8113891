import { cpuReport, takeSnapshot, type CpuReport } from './cpu-accounting.ts';
import { readMemoryKib } from './proc-stats.ts';

export type { CpuReport } from './cpu-accounting.ts';

const SAMPLE_INTERVAL_MS = 200;
const KIB_PER_MIB = 1024;

export interface MemoryReport {
  /** Highest VmRSS seen by the 200 ms sampling. */
  peakSampledMiB: number;
  /** The kernel's own high-water mark (VmHWM), read at the end. */
  peakHwmMiB: number;
}

const mib = (kib: number) => Math.round((kib / KIB_PER_MIB) * 10) / 10;

/** Samples the RSS of the watched processes every 200 ms, and accounts CPU time per phase. */
export class ProcessMonitor {
  readonly #pids: Record<string, number>;
  readonly #peakRssKib: Record<string, number> = {};
  readonly #timer: NodeJS.Timeout;

  /** `pids` by name; include the bench itself to see what the load generator costs. */
  constructor(pids: Record<string, number>) {
    this.#pids = pids;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), SAMPLE_INTERVAL_MS);
  }

  #sample(): void {
    for (const [name, pid] of Object.entries(this.#pids)) {
      const memory = readMemoryKib(pid);
      if (memory) this.#peakRssKib[name] = Math.max(this.#peakRssKib[name] ?? 0, memory.rssKib);
    }
  }

  /** Runs `work` and reports how the machine's CPU was spent while it ran. */
  async measureCpu<T>(phase: string, work: () => Promise<T>): Promise<{ value: T; cpu: CpuReport }> {
    const before = takeSnapshot();
    const value = await work();
    return { value, cpu: cpuReport(phase, before, takeSnapshot(), this.#pids) };
  }

  /** Stops sampling and returns each process's peak memory. Call while they still run. */
  finish(): Record<string, MemoryReport> {
    clearInterval(this.#timer);
    this.#sample();
    const report: Record<string, MemoryReport> = {};
    for (const [name, pid] of Object.entries(this.#pids)) {
      const hwm = readMemoryKib(pid)?.hwmKib ?? Number.NaN;
      report[name] = { peakSampledMiB: mib(this.#peakRssKib[name] ?? Number.NaN), peakHwmMiB: mib(hwm) };
    }
    return report;
  }
}
