import type { RawArgon2Result } from './argon2-raw.ts';
import type { LoadSummary, Measurements } from './scenarios.ts';

export interface TargetOutcome {
  name: string;
  result: string;
  target: string;
  pass: boolean;
  /** Why a number is not to be trusted as it stands (e.g. failed requests). */
  note?: string;
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

const perSecond = (value: number) => `${value.toFixed(value < 100 ? 1 : 0)}/s`;
const ms = (value: number) => `${value.toFixed(2)} ms`;

export function evaluateTargets(raw: RawArgon2Result, measured: Measurements): TargetOutcome[] {
  const bestLogins = measured.loginRuns
    .map((phase) => phase.loads.logins!)
    .reduce((a, b) => (b.okPerSecond > a.okPerSecond ? b : a));
  const ratio = bestLogins.okPerSecond / raw.verifiesPerSecond;
  const solo = measured.readsClosed.loads.reads!;
  const openSolo = measured.readsOpen.loads.reads!;
  const mixedClosed = measured.mixedClosed.loads.reads!;
  const mixedOpen = measured.mixedOpen.loads.reads!;
  const mixedShare = mixedClosed.okPerSecond / solo.okPerSecond;
  return [
    outcome(
      'Logins/s vs raw argon2id verifies/s',
      `${perSecond(bestLogins.okPerSecond)} / ${perSecond(raw.verifiesPerSecond)} = ${ratio.toFixed(2)}`,
      '≥ 0.80',
      ratio >= 0.8,
      bestLogins,
    ),
    outcome('GET /users/me, 64 connections', perSecond(solo.okPerSecond), '≥ 1,000/s', solo.okPerSecond >= 1000, solo),
    outcome(`GET /users/me p99, open loop at ${perSecond(solo.okPerSecond / 2)}`, ms(openSolo.latency.p99Ms), '≤ 10 ms', openSolo.latency.p99Ms <= 10, openSolo),
    outcome(
      'Mixed: reads/s while logins saturate (64 connections)',
      `${perSecond(mixedClosed.okPerSecond)} (${(mixedShare * 100).toFixed(0)} % of alone)`,
      '≥ 25 % of alone',
      mixedShare >= 0.25,
      mixedClosed,
    ),
    outcome(
      `Mixed: read p99, open loop at ${perSecond(solo.okPerSecond / 4)}`,
      ms(mixedOpen.latency.p99Ms),
      '≤ 50 ms',
      mixedOpen.latency.p99Ms <= 50,
      mixedOpen,
    ),
  ];
}
