import type { RawArgon2Result } from './argon2-raw.ts';
import { Histogram, type LatencySummary } from './load/histogram.ts';
import { runInWorker } from './load/run-in-worker.ts';
import type { LoadResult, LoadSpec, RequestTemplate } from './load/spec.ts';
import type { CpuReport, ProcessMonitor } from './process-monitor.ts';
import { FOREIGN_LOAD_LIMIT_CORES, type QuietCheck, type QuietGate } from './quiet-gate.ts';
import type { StallProbe, StallSummary } from './stall-probe.ts';

export const READ_CONNECTIONS = 64;

export interface Timing {
  warmupMs: number;
  loginMs: number;
  readMs: number;
  mixedMs: number;
}

export interface LoadSummary {
  description: string;
  okPerSecond: number;
  ok: number;
  failed: number;
  failures: Record<string, number>;
  latency: LatencySummary;
}

export interface Phase {
  name: string;
  /** How busy the machine was with other people's work just before the phase. */
  before: QuietCheck;
  loads: Record<string, LoadSummary>;
  cpu: CpuReport;
  /** What the idle stall probe saw during the measured window, when it ran. */
  stalls?: StallSummary | undefined;
}

export interface BenchContext {
  port: number;
  logins: RequestTemplate[];
  reads: RequestTemplate[];
  timing: Timing;
  monitor: ProcessMonitor;
  gate: QuietGate;
  /** Our processes (the system's and the bench's), which the gate does not count as foreign. */
  pids: Record<string, number>;
  signal: AbortSignal;
  log: (line: string) => void;
  /** The bare transports' port (see transport-floor.ts), measured at the reads' half rate. */
  floor?: { port: number } | undefined;
  /** Raw argon2id again, right after the login phases (the system idle), to bracket them. */
  measureRaw?: (() => Promise<RawArgon2Result>) | undefined;
  /** Times the machine did not run an idle process on time (see stall-probe.ts). */
  stallProbe?: Pick<StallProbe, 'between'> | undefined;
}

export type LoadShape = { mode: 'closed'; connections: number } | { mode: 'open'; ratePerSecond: number };

function describeShape(shape: LoadShape): string {
  return shape.mode === 'closed' ? `closed loop, ${shape.connections} connections` : `open loop, ${Math.round(shape.ratePerSecond)}/s`;
}

function summarize(result: LoadResult, description: string): LoadSummary {
  const { okPerSecond, ok, failed, failures } = result;
  return { description, okPerSecond, ok, failed, failures, latency: Histogram.from(result.histogram).summary() };
}

/** Each load goes to the gateway unless it names another port (the transport floor's). */
type Loads = Record<string, { requests: RequestTemplate[]; shape: LoadShape; port?: number }>;

async function measurePhase(context: BenchContext, name: string, durationMs: number, loads: Loads): Promise<Phase> {
  const { timing, monitor, signal } = context;
  const entries = Object.entries(loads);
  const before = await context.gate.wait(context.pids, signal);
  // Where the workers' recorded window falls, to within their start-up (a few ms late at most).
  const windowStart = Date.now() + timing.warmupMs;
  const { value, cpu } = await monitor.measureCpu(name, () =>
    Promise.all(
      entries.map(([, { requests, shape, port }]) => {
        const common = { port: port ?? context.port, requests, warmupMs: timing.warmupMs, durationMs };
        const spec: LoadSpec =
          shape.mode === 'closed'
            ? { ...common, mode: 'closed', connections: shape.connections }
            : { ...common, mode: 'open', ratePerSecond: shape.ratePerSecond, maxConnections: READ_CONNECTIONS };
        return runInWorker(spec, signal);
      }),
    ),
  );
  const summaries = Object.fromEntries(entries.map(([label, { shape }], index) => [label, summarize(value[index]!, describeShape(shape))]));
  const stalls = context.stallProbe?.between(windowStart, windowStart + durationMs);
  return { name, before, loads: summaries, cpu, stalls };
}

/**
 * Runs the named loads side by side, each in its own worker thread, as one measured phase.
 * When other work on the machine took cores meanwhile, measures once more if the gate's
 * budget allows, and keeps the less disturbed of the two.
 */
export async function runPhase(context: BenchContext, name: string, durationMs: number, loads: Loads): Promise<Phase> {
  const first = await measurePhase(context, name, durationMs, loads);
  if (first.cpu.coresRest <= FOREIGN_LOAD_LIMIT_CORES || !context.gate.trySpend(context.timing.warmupMs + durationMs)) return first;
  context.log(`${name}: other work used ${first.cpu.coresRest} cores meanwhile; measuring again`);
  const second = await measurePhase(context, name, durationMs, loads);
  return second.cpu.coresRest <= first.cpu.coresRest ? second : first;
}

export interface Measurements {
  loginRuns: Phase[];
  /** Raw argon2id measured right after the login phases, when measured. */
  rawAfterLogins?: RawArgon2Result | undefined;
  bestLoginConnections: number;
  readsClosed: Phase;
  readsOpen: Phase;
  /** The bare transports at the same rate as `readsOpen`: empty when not measured. */
  floors: Phase[];
  mixedOpen: Phase;
  mixedClosed: Phase;
}

/** What the log says about the machine's other work before a phase, when there was any. */
function quietNote(phase: Phase): string {
  const { waitedMs, quiet, foreignCores } = phase.before;
  if (waitedMs === 0 && quiet) return '';
  return quiet ? ` (waited ${waitedMs / 1000} s for a quiet machine)` : ` (machine still busy: ${foreignCores} cores of other work)`;
}

export const FLOOR_DIRECT_PHASE = 'transport floor: bare node:http, open loop at 50 %';
export const FLOOR_RELAY_PHASE = 'transport floor: node:http + one grpc-js unary call, open loop at 50 %';
export const FLOOR_MULTIPLEXED_PHASE = 'transport floor: node:http + one call on a grpc-js stream, open loop at 50 %';

/**
 * The same open loop as the reads' (same rate, same requests and headers) against servers
 * that do no work: what this machine, at this moment, gives the transports alone.
 */
async function measureFloors(context: BenchContext, ratePerSecond: number): Promise<Phase[]> {
  if (!context.floor) return [];
  const { port } = context.floor;
  const shape: LoadShape = { mode: 'open', ratePerSecond };
  const at = (path: string) => context.reads.map((request) => ({ ...request, path }));
  const phases: Phase[] = [];
  const floors = [[FLOOR_DIRECT_PHASE, '/direct'], [FLOOR_MULTIPLEXED_PHASE, '/multiplexed'], [FLOOR_RELAY_PHASE, '/relay']] as const;
  for (const [name, path] of floors) {
    const phase = await runPhase(context, name, context.timing.readMs, { reads: { requests: at(path), shape, port } });
    context.log(`${name}: p99 ${phase.loads.reads!.latency.p99Ms.toFixed(2)} ms${quietNote(phase)}`);
    phases.push(phase);
  }
  return phases;
}

/**
 * This VM's speed drifts within minutes, so one raw figure taken before the system started
 * can be far from the speed the logins ran at: the raw rate is measured again right after
 * them, and the ratio is taken against the mean of the two.
 */
async function measureRawAfterLogins(context: BenchContext): Promise<RawArgon2Result | undefined> {
  if (!context.measureRaw) return undefined;
  await context.gate.wait(context.pids, context.signal);
  const raw = await context.measureRaw();
  context.log(`raw argon2id again after the logins: ${raw.verifiesPerSecond.toFixed(1)} verifies/s`);
  return raw;
}

/** The measured phases, one after another: logins alone, reads alone, then both at once. */
export async function measureAll(context: BenchContext, cores: number): Promise<Measurements> {
  const { logins, reads, timing, log } = context;
  const loginRuns: Phase[] = [];
  for (const connections of [2 * cores, 4 * cores]) {
    const phase = await runPhase(context, `logins, ${connections} connections`, timing.loginMs, {
      logins: { requests: logins, shape: { mode: 'closed', connections } },
    });
    log(`${phase.name}: ${phase.loads.logins!.okPerSecond.toFixed(1)} logins/s${quietNote(phase)}`);
    loginRuns.push(phase);
  }
  const rawAfterLogins = await measureRawAfterLogins(context);
  const best = loginRuns.reduce((a, b) => (b.loads.logins!.okPerSecond > a.loads.logins!.okPerSecond ? b : a));
  const bestLoginConnections = 2 * cores * (loginRuns.indexOf(best) + 1);
  const loginLoad = { requests: logins, shape: { mode: 'closed', connections: bestLoginConnections } as LoadShape };

  const readsClosed = await runPhase(context, 'reads alone, closed loop', timing.readMs, {
    reads: { requests: reads, shape: { mode: 'closed', connections: READ_CONNECTIONS } },
  });
  const soloRate = readsClosed.loads.reads!.okPerSecond;
  log(`${readsClosed.name}: ${soloRate.toFixed(0)} reads/s${quietNote(readsClosed)}`);

  const readsOpen = await runPhase(context, 'reads alone, open loop at 50 %', timing.readMs, {
    reads: { requests: reads, shape: { mode: 'open', ratePerSecond: Math.max(1, soloRate / 2) } },
  });
  log(`${readsOpen.name}: p99 ${readsOpen.loads.reads!.latency.p99Ms.toFixed(2)} ms${quietNote(readsOpen)}`);
  const floors = await measureFloors(context, Math.max(1, soloRate / 2));

  const mixedOpen = await runPhase(context, 'logins saturating + reads open loop at 25 %', timing.mixedMs, {
    logins: loginLoad,
    reads: { requests: reads, shape: { mode: 'open', ratePerSecond: Math.max(1, soloRate / 4) } },
  });
  log(`${mixedOpen.name}: read p99 ${mixedOpen.loads.reads!.latency.p99Ms.toFixed(2)} ms${quietNote(mixedOpen)}`);

  const mixedClosed = await runPhase(context, 'logins saturating + reads closed loop', timing.mixedMs, {
    logins: loginLoad,
    reads: { requests: reads, shape: { mode: 'closed', connections: READ_CONNECTIONS } },
  });
  log(`${mixedClosed.name}: ${mixedClosed.loads.reads!.okPerSecond.toFixed(0)} reads/s${quietNote(mixedClosed)}`);
  return { loginRuns, rawAfterLogins, bestLoginConnections, readsClosed, readsOpen, floors, mixedOpen, mixedClosed };
}
