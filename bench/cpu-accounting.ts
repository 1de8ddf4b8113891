import { performance } from 'node:perf_hooks';
import { readAllProcessesCpu, readMachineCpu, type MachineCpu, type ProcessCpu } from './proc-stats.ts';

/** Cores' worth of CPU used during one phase, by process (1.0 = one core fully busy). */
export interface CpuReport {
  phase: string;
  seconds: number;
  /** Our processes by name, then Postgres (all its processes), Redis and NATS. */
  cores: Record<string, number>;
  /** Interrupt handling (mostly the loopback traffic's network stack) and hypervisor steal. */
  coresInterrupts: number;
  coresSteal: number;
  /** Everything else that ran on the machine meanwhile (other users' work shows here). */
  coresRest: number;
  coresMachineBusy: number;
}

interface Snapshot {
  at: number;
  machine: MachineCpu;
  processes: Map<number, ProcessCpu>;
}

/** Shared infrastructure, recognised by command name. */
const infrastructure: Record<string, (command: string) => boolean> = {
  postgres: (command) => command === 'postgres',
  redis: (command) => command.startsWith('redis-server'),
  nats: (command) => command.startsWith('nats-server'),
};

const round = (value: number) => Math.round(value * 100) / 100;

export function takeSnapshot(): Snapshot {
  return { at: performance.now(), machine: readMachineCpu(), processes: readAllProcessesCpu() };
}

/** CPU seconds each process used between the snapshots; one that started in between counts whole. */
function usedBetween(before: Snapshot, after: Snapshot): Map<number, { command: string; seconds: number }> {
  const used = new Map<number, { command: string; seconds: number }>();
  for (const [pid, now] of after.processes) {
    const earlier = before.processes.get(pid);
    const start = earlier && earlier.command === now.command ? earlier.cpuSeconds : 0;
    used.set(pid, { command: now.command, seconds: now.cpuSeconds - start });
  }
  return used;
}

/** How the machine's CPU was spent between two snapshots, `ours` being named pids. */
export function cpuReport(phase: string, before: Snapshot, after: Snapshot, ours: Record<string, number>): CpuReport {
  const seconds = (after.at - before.at) / 1000;
  const used = usedBetween(before, after);
  const cores: Record<string, number> = {};
  for (const [name, pid] of Object.entries(ours)) cores[name] = (used.get(pid)?.seconds ?? Number.NaN) / seconds;
  const ourPids = new Set(Object.values(ours));
  for (const [name, matches] of Object.entries(infrastructure)) {
    const matching = [...used].filter(([pid, { command }]) => !ourPids.has(pid) && matches(command));
    cores[name] = matching.reduce((sum, [, { seconds: cpu }]) => sum + cpu, 0) / seconds;
  }
  const machine = (field: keyof MachineCpu) => (after.machine[field] - before.machine[field]) / seconds;
  const [coresMachineBusy, coresInterrupts, coresSteal] = [machine('busy'), machine('interrupts'), machine('steal')];
  const processes = Object.values(cores).filter(Number.isFinite).reduce((sum, value) => sum + value, 0);
  return {
    phase,
    seconds: Math.round(seconds * 10) / 10,
    cores: Object.fromEntries(Object.entries(cores).map(([name, value]) => [name, round(value)])),
    coresInterrupts: round(coresInterrupts),
    coresSteal: round(coresSteal),
    coresRest: round(Math.max(0, coresMachineBusy - processes - coresInterrupts - coresSteal)),
    coresMachineBusy: round(coresMachineBusy),
  };
}
