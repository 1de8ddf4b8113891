import { fileURLToPath } from 'node:url';
import { forkAndWait, stopChild } from './forked-child.ts';

const ENTRY = fileURLToPath(new URL('./probe/stall-probe-child.ts', import.meta.url));
const TICK_MS = 4;
/** A gap between wake-ups this long (8 ms later than asked) counts as a stall. */
export const STALL_MS = 12;

/** One late wake-up of the idle probe: when the gap began (ms since the epoch) and how long it was. */
export interface Stall {
  at: number;
  ms: number;
}

export interface StallSummary {
  count: number;
  longestMs: number;
  totalMs: number;
}

/** The stalls that overlap [from, to) (ms since the epoch). */
export function summarizeStalls(stalls: readonly Stall[], from: number, to: number): StallSummary {
  const inside = stalls.filter((stall) => stall.at < to && stall.at + stall.ms > from);
  return {
    count: inside.length,
    longestMs: inside.reduce((longest, stall) => Math.max(longest, stall.ms), 0),
    totalMs: inside.reduce((total, stall) => total + stall.ms, 0),
  };
}

/**
 * An idle process beside the system, recording when the machine did not run it on time
 * (see probe/stall-probe-child.ts). The bench reports what it saw during each measured
 * window next to the latencies: a stall of the whole VM delays every request in flight, and
 * at 2,000 requests/s one 100 ms stall alone decides a 15 s window's p99. The numbers are
 * context, like the transport floor: nothing is excluded from the latencies because of them.
 */
export interface StallProbe {
  pid: number;
  between(from: number, to: number): StallSummary;
  stop(): Promise<void>;
}

export async function startStallProbe(): Promise<StallProbe> {
  const { child } = await forkAndWait(ENTRY, [String(TICK_MS), String(STALL_MS)]);
  const stalls: Stall[] = [];
  child.on('message', (message: Partial<Stall>) => {
    if (typeof message.at === 'number' && typeof message.ms === 'number') stalls.push({ at: message.at, ms: message.ms });
  });
  return {
    pid: child.pid!,
    between: (from, to) => summarizeStalls(stalls, from, to),
    stop: () => stopChild(child),
  };
}
