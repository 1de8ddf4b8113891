import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU time in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

/** VmRSS and VmHWM (peak RSS) of a process in KiB; undefined once it is gone. */
export function readMemoryKib(pid: number): { rssKib: number; hwmKib: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssKib: field('VmRSS'), hwmKib: field('VmHWM') };
  } catch {
    return undefined;
  }
}

export interface ProcessCpu {
  /** The kernel's short command name: `node`, `postgres`, `redis-server`... */
  command: string;
  /** CPU seconds (user + system, all threads) used so far. */
  cpuSeconds: number;
}

function readProcessCpu(pid: number): ProcessCpu | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command (field 2) is in parentheses and may hold spaces; the fields after it do not.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime: fields 14, 15
    return { command: stat.slice(stat.indexOf('(') + 1, close), cpuSeconds };
  } catch {
    return undefined; // gone in the meantime
  }
}

/** Every process on the machine, by pid: a few hundred small reads, done only between phases. */
export function readAllProcessesCpu(): Map<number, ProcessCpu> {
  const processes = new Map<number, ProcessCpu>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cpu = readProcessCpu(Number(entry));
    if (cpu) processes.set(Number(entry), cpu);
  }
  return processes;
}

export interface MachineCpu {
  /** CPU seconds spent busy (not idle, not waiting on I/O), all cores, interrupts included. */
  busy: number;
  /** Of which interrupt handling, not charged to any process (loopback networking shows here). */
  interrupts: number;
  /** Time the hypervisor gave this machine's vCPUs to someone else. */
  steal: number;
}

export function readMachineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return {
    busy: (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND,
    interrupts: (irq + softirq) / TICKS_PER_SECOND,
    steal: steal / TICKS_PER_SECOND,
  };
}
