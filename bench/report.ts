import type { RawArgon2Result } from './argon2-raw.ts';
import type { MachineInfo } from './machine.ts';
import type { MemoryReport } from './process-monitor.ts';
import { FOREIGN_LOAD_LIMIT_CORES, type QuietCheck } from './quiet-gate.ts';
import type { Measurements, Phase, Timing } from './scenarios.ts';
import { STALL_MS } from './stall-probe.ts';
import type { TargetOutcome } from './targets.ts';

export interface BenchResults {
  machine: MachineInfo;
  settings: {
    timing: Timing;
    users: number;
    passwordHashConcurrency: number;
    bestLoginConnections: number;
  };
  rawArgon2: RawArgon2Result;
  /** The same measurement right after the login phases (the system running idle). */
  rawArgon2AfterLogins?: RawArgon2Result | undefined;
  /** Foreign load on the machine just before the raw argon2 measurement. */
  rawArgon2Background: QuietCheck;
  phases: Phase[];
  targets: TargetOutcome[];
  memory: Record<string, MemoryReport>;
}

export function phasesOf(measured: Measurements): Phase[] {
  return [...measured.loginRuns, measured.readsClosed, measured.readsOpen, ...measured.floors, measured.mixedOpen, measured.mixedClosed];
}

const fixed = (value: number, places = 2) => (Number.isFinite(value) ? value.toFixed(places) : '–');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const divider = (count: number) => row(Array.from({ length: count }, () => '---'));

function table(header: string[], rows: (string | number)[][]): string[] {
  return [row(header), divider(header.length), ...rows.map(row)];
}

function targetsTable(targets: TargetOutcome[]): string[] {
  return table(
    ['Measure', 'Result', 'Target', ''],
    targets.map((target) => [
      target.name,
      [target.result, ...[target.note, target.floor, target.stalls].filter(Boolean).map((text) => `(${text})`)].join(' '),
      target.target,
      target.pass ? '**PASS**' : '**MISS**',
    ]),
  );
}

function stallsCell({ stalls }: Phase): string {
  if (!stalls) return '–';
  return stalls.count === 0 ? '0' : `${stalls.count}, ${fixed(stalls.longestMs, 0)} ms`;
}

function loadsTable(phases: Phase[]): string[] {
  const rows = phases.flatMap((phase) =>
    Object.entries(phase.loads).map(([label, load]) => [
      phase.name,
      `${label} (${load.description})`,
      fixed(load.okPerSecond, 1),
      fixed(load.latency.p50Ms),
      fixed(load.latency.p90Ms),
      fixed(load.latency.p99Ms),
      fixed(load.latency.maxMs),
      load.failed,
      stallsCell(phase),
    ]),
  );
  return table(['Phase', 'Load', 'OK/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'Failed', `idle process held up ≥ ${STALL_MS} ms: times, longest`], rows);
}

function cpuTable(phases: Phase[]): string[] {
  const names = Object.keys(phases[0]?.cpu.cores ?? {});
  const rows = phases.map(({ name, cpu }) => [
    name,
    ...names.map((process) => fixed(cpu.cores[process] ?? Number.NaN)),
    fixed(cpu.coresInterrupts),
    fixed(cpu.coresSteal),
    fixed(cpu.coresRest),
    fixed(cpu.coresMachineBusy),
  ]);
  return table(['Phase', ...names, 'interrupts', 'steal', 'rest of machine', 'machine busy'], rows);
}

/** Where one request's CPU goes, for the phases that run a single kind of request. */
function cpuPerRequestTable(phases: Phase[]): string[] {
  const single = phases.filter((phase) => Object.keys(phase.loads).length === 1);
  const names = Object.keys(single[0]?.cpu.cores ?? {});
  const rows = single.map(({ name, cpu, loads }) => {
    const rate = Object.values(loads)[0]!.okPerSecond;
    const perRequest = (cores: number) => fixed((cores / rate) * 1000);
    const total = Object.values(cpu.cores).filter(Number.isFinite).reduce((sum, cores) => sum + cores, 0) + cpu.coresInterrupts;
    return [name, ...names.map((process) => perRequest(cpu.cores[process] ?? Number.NaN)), perRequest(cpu.coresInterrupts), perRequest(total)];
  });
  return table(['Phase', ...names, 'interrupts', 'total'], rows);
}

/** Other people's work on the machine takes cores from the system: say so next to the numbers. */
function contaminationWarning(results: BenchResults): string[] {
  const limit = FOREIGN_LOAD_LIMIT_CORES;
  const noisy = results.phases.filter((phase) => phase.cpu.coresRest > limit).map((phase) => `${phase.name} (${fixed(phase.cpu.coresRest)})`);
  const rawNoisy = results.rawArgon2Background.foreignCores > limit;
  if (noisy.length === 0 && !rawNoisy) return [];
  const where = [...(rawNoisy ? [`raw argon2 (${fixed(results.rawArgon2Background.foreignCores)} before)`] : []), ...noisy];
  return [`> **Warning:** other work used more than ${limit} cores during: ${where.join('; ')}. Those numbers understate the system.`, ''];
}

function memoryTable(memory: Record<string, MemoryReport>): string[] {
  return table(
    ['Process', 'Peak RSS, sampled every 200 ms (MiB)', 'VmHWM (MiB)'],
    Object.entries(memory).map(([name, report]) => [name, fixed(report.peakSampledMiB, 1), fixed(report.peakHwmMiB, 1)]),
  );
}

/** The report in Markdown, for the README; also what the bench prints. */
export function renderMarkdown(results: BenchResults): string {
  const { machine, rawArgon2: raw, settings } = results;
  const { memoryKib, timeCost, parallelism } = raw.parameters;
  const seconds = (value: number) => `${Math.round(value / 1000)} s`;
  return [
    '## Benchmark results',
    '',
    `Measured ${machine.date.slice(0, 10)} with \`npm run bench\` on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
      `Node ${machine.node} (${machine.os}). Everything ran on this one machine: the gateway, the five services, ` +
      'Postgres, Redis, NATS and the load generator share its cores.',
    '',
    `argon2id m=${memoryKib} KiB, t=${timeCost}, p=${parallelism}: **${fixed(raw.verifiesPerSecond, 1)} verifies/s** ` +
      `with ${raw.loops} verify loops side by side on auth's hashing threads (${fixed(raw.meanVerifyMs, 1)} ms each), the ceiling for password logins` +
      (results.rawArgon2AfterLogins
        ? `; ${fixed(results.rawArgon2AfterLogins.verifiesPerSecond, 1)}/s measured again right after the login phases (the login ratio uses the mean of the two). `
        : '. ') +
      `${settings.users} users; logins round-robin over them. Windows: logins ${seconds(settings.timing.loginMs)}, ` +
      `reads ${seconds(settings.timing.readMs)}, mixed ${seconds(settings.timing.mixedMs)}, each after ${seconds(settings.timing.warmupMs)} of warm-up. ` +
      'Open-loop latencies count from each request\'s scheduled send time (no coordinated omission).',
    '',
    ...targetsTable(results.targets),
    '',
    ...contaminationWarning(results),
    '### Throughput and latency',
    '',
    ...loadsTable(results.phases),
    '',
    '### CPU by process (cores busy on average during each phase; Postgres counts all its processes)',
    '',
    ...cpuTable(results.phases),
    '',
    'CPU milliseconds per answered request (cores ÷ requests per second), where one kind of request ran alone:',
    '',
    ...cpuPerRequestTable(results.phases),
    '',
    '### Peak memory',
    '',
    ...memoryTable(results.memory),
    '',
  ].join('\n');
}
