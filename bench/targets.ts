import type { RawArgon2Result } from './argon2-raw.ts';
import { FLOOR_DIRECT_PHASE, FLOOR_MULTIPLEXED_PHASE, FLOOR_RELAY_PHASE, type LoadSummary, type Measurements, type Phase } from './scenarios.ts';
import { STALL_MS } from './stall-probe.ts';

export interface TargetOutcome {
  name: string;
  result: string;
  target: string;
  pass: boolean;
  /** Why a number is not to be trusted as it stands (e.g. failed requests). */
  note?: string;
  /** What the same load measured against the bare transports (the stack's floor). */
  floor?: string;
  /** How often the machine held up an idle process during the window (see stall-probe.ts). */
  stalls?: string;
}

/** More than this share of failed requests voids a result, however good its numbers look. */
const MAX_FAILURE_SHARE = 0.01;

function failureNote(load: LoadSummary): string | undefined {
  const total = load.ok + load.failed;
  if (load.failed === 0 || total === 0) return undefined;
  const share = load.failed / total;
  const kinds = Object.entries(load.failures).map(([key, count]) => `${key}×${count}`).join(', ');
  return `${(share * 100).toFixed(2)} % of requests failed (${kinds})`;
}

function outcome(name: string, result: string, target: string, met: boolean, load: LoadSummary): TargetOutcome {
  const note = failureNote(load);
  const voided = load.failed / Math.max(1, load.ok + load.failed) > MAX_FAILURE_SHARE;
  return { name, result, target, pass: met && !voided, ...(note ? { note } : {}) };
}

function withFloor(target: TargetOutcome, floor: string | undefined): TargetOutcome {
  return floor ? { ...target, floor } : target;
}

/** A latency target's window, told with what the stall probe saw in it (when it ran). */
export function withStalls(target: TargetOutcome, phase: Phase): TargetOutcome {
  if (!phase.stalls) return target;
  const { count, longestMs, totalMs } = phase.stalls;
  const stalls =
    count === 0
      ? `an idle process on the machine was never held up ≥ ${STALL_MS} ms in the window`
      : `an idle process on the machine was held up ≥ ${STALL_MS} ms ${count}× in the window, ${totalMs.toFixed(0)} ms in all, longest ${longestMs.toFixed(0)} ms`;
  return { ...target, stalls };
}

const perSecond = (value: number) => `${value.toFixed(value < 100 ? 1 : 0)}/s`;
const ms = (value: number) => `${value.toFixed(2)} ms`;

/** The floor phases' p99, when they ran: the best any code on this stack could have done. */
function floorOf(measured: Measurements): string | undefined {
  const p99 = (name: string) => measured.floors.find((phase) => phase.name === name)?.loads.reads?.latency.p99Ms;
  const direct = p99(FLOOR_DIRECT_PHASE);
  const multiplexed = p99(FLOOR_MULTIPLEXED_PHASE);
  const relay = p99(FLOOR_RELAY_PHASE);
  if (direct === undefined || multiplexed === undefined || relay === undefined) return undefined;
  return `no-op servers at the same rate: node:http alone ${ms(direct)}; + one grpc-js call on a stream ${ms(multiplexed)}, as a unary call ${ms(relay)}`;
}

/** The raw rate logins are compared with: the mean of the figures taken before and after them. */
export function rawCeiling(before: RawArgon2Result, after: RawArgon2Result | undefined): { verifiesPerSecond: number; text: string } {
  if (!after) return { verifiesPerSecond: before.verifiesPerSecond, text: perSecond(before.verifiesPerSecond) };
  const verifiesPerSecond = (before.verifiesPerSecond + after.verifiesPerSecond) / 2;
  return { verifiesPerSecond, text: `${perSecond(verifiesPerSecond)} (raw ${perSecond(before.verifiesPerSecond)} before, ${perSecond(after.verifiesPerSecond)} after)` };
}

export function evaluateTargets(raw: RawArgon2Result, measured: Measurements): TargetOutcome[] {
  const bestLogins = measured.loginRuns
    .map((phase) => phase.loads.logins!)
    .reduce((a, b) => (b.okPerSecond > a.okPerSecond ? b : a));
  const ceiling = rawCeiling(raw, measured.rawAfterLogins);
  const ratio = bestLogins.okPerSecond / ceiling.verifiesPerSecond;
  const solo = measured.readsClosed.loads.reads!;
  const openSolo = measured.readsOpen.loads.reads!;
  const mixedClosed = measured.mixedClosed.loads.reads!;
  const mixedOpen = measured.mixedOpen.loads.reads!;
  const mixedShare = mixedClosed.okPerSecond / solo.okPerSecond;
  return [
    outcome(
      'Logins/s vs raw argon2id verifies/s',
      `${perSecond(bestLogins.okPerSecond)} / ${ceiling.text} = ${(Math.floor(ratio * 100) / 100).toFixed(2)}`,
      '≥ 0.80',
      ratio >= 0.8,
      bestLogins,
    ),
    outcome('GET /users/me, 64 connections', perSecond(solo.okPerSecond), '≥ 1,000/s', solo.okPerSecond >= 1000, solo),
    withStalls(
      withFloor(
        outcome(`GET /users/me p99, open loop at ${perSecond(solo.okPerSecond / 2)}`, ms(openSolo.latency.p99Ms), '≤ 10 ms', openSolo.latency.p99Ms <= 10, openSolo),
        floorOf(measured),
      ),
      measured.readsOpen,
    ),
    outcome(
      'Mixed: reads/s while logins saturate (64 connections)',
      `${perSecond(mixedClosed.okPerSecond)} (${(mixedShare * 100).toFixed(0)} % of alone)`,
      '≥ 25 % of alone',
      mixedShare >= 0.25,
      mixedClosed,
    ),
    withStalls(
      outcome(`Mixed: read p99, open loop at ${perSecond(solo.okPerSecond / 4)}`, ms(mixedOpen.latency.p99Ms), '≤ 50 ms', mixedOpen.latency.p99Ms <= 50, mixedOpen),
      measured.mixedOpen,
    ),
  ];
}
