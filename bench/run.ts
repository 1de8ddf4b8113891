/**
 * `npm run bench`: measures password logins, authenticated reads and both together against
 * the whole system started on random ports, on this machine's Postgres, Redis and NATS
 * (its own database, key prefix and stream, removed afterwards). Prints the results and
 * writes bench/results.json and bench/RESULTS.md. Takes about two minutes on a quiet machine,
 * at most a minute and a half more when it has to wait for other work to finish.
 * Traffic goes to 127.0.0.1 only. Not a test: nothing here fails the run but a broken set-up.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeExit } from '../scripts/launcher/child.ts';
import { startSystem, type RunningSystem } from '../scripts/launcher/system.ts';
// The auth service's own config loader, so the raw argon2 figure uses exactly its parameters.
import { loadAuthConfig } from '../services/auth/src/config.ts';
import { measureRawArgon2, type RawArgon2Result } from './argon2-raw.ts';
import { inheritedEnvironment, loadBenchConfig, type BenchConfig } from './config.ts';
import { prepareInfrastructure } from './infrastructure.ts';
import { describeMachine } from './machine.ts';
import { ProcessMonitor } from './process-monitor.ts';
import { QuietGate, type QuietCheck } from './quiet-gate.ts';
import { phasesOf, renderMarkdown, type BenchResults } from './report.ts';
import { measureAll, type Timing } from './scenarios.ts';
import { evaluateTargets } from './targets.ts';
import { startStallProbe, type StallProbe } from './stall-probe.ts';
import { startTransportFloor, type TransportFloor } from './transport-floor.ts';
import { checkOnce, loginRequests, readRequests, registerUsers } from './users.ts';

const USERS = 50;
const RAW_ARGON2_MS = 5_000;
/** High enough that no limit is ever reached: the bench measures capacity, not the limits. */
const UNLIMITED = String(1_000_000_000);
/** Waiting for other people's work to finish, and measuring again: at most this much in all. */
const QUIET_BUDGET_MS = 90_000;

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

function timingFor(scale: number): Timing {
  const scaled = (ms: number) => Math.max(500, Math.round(ms * scale));
  return { warmupMs: scaled(2_000), loginMs: scaled(10_000), readMs: scaled(15_000), mixedMs: scaled(15_000) };
}

function childEnvironment(config: BenchConfig, infrastructure: Record<string, string>): Record<string, string> {
  const profiling = config.BENCH_CPU_PROFILE_DIR ? `--cpu-prof --cpu-prof-dir=${config.BENCH_CPU_PROFILE_DIR}` : undefined;
  return {
    ...infrastructure,
    INTERNAL_AUTH_SECRET: randomBytes(32).toString('base64url'),
    AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_IP_PER_MINUTE: UNLIMITED,
    LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: UNLIMITED,
    REGISTER_RATE_LIMIT_PER_IP_PER_HOUR: UNLIMITED,
    LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP: UNLIMITED,
    // Above the per-address limit, as auth's config requires.
    LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: String(2 * Number(UNLIMITED)),
    ...(profiling ? { NODE_OPTIONS: [inheritedEnvironment().NODE_OPTIONS, profiling].filter(Boolean).join(' ') } : {}),
  };
}

interface Baseline {
  raw: RawArgon2Result;
  measureRaw: () => Promise<RawArgon2Result>;
  rawBackground: QuietCheck;
  hashConcurrency: number;
  gate: QuietGate;
}

/** What runs beside the system: the transport floor's servers and the idle stall probe. */
interface Companions {
  floor: TransportFloor;
  stallProbe: StallProbe;
  stop(): Promise<void>;
}

async function startCompanions(): Promise<Companions> {
  const floor = await startTransportFloor();
  try {
    const stallProbe = await startStallProbe();
    return { floor, stallProbe, stop: async () => void (await Promise.all([floor.stop(), stallProbe.stop()])) };
  } catch (error) {
    await floor.stop();
    throw error;
  }
}

async function measureSystem(system: RunningSystem, companions: Companions, baseline: Baseline, timing: Timing, signal: AbortSignal) {
  const machine = describeMachine();
  const { floor, stallProbe } = companions;
  const pids = { ...system.pids(), ...floor.pids, 'stall-probe': stallProbe.pid, bench: process.pid };
  const monitor = new ProcessMonitor(pids);
  const port = Number(system.env.PORT);
  log(`registering ${USERS} users`);
  const users = await registerUsers(port, USERS, machine.cores);
  await checkOnce(port, users[0]!);
  const { raw, rawBackground, hashConcurrency, gate, measureRaw } = baseline;
  const context = { port, logins: loginRequests(users), reads: readRequests(users), timing, monitor, gate, pids, signal, log, floor, measureRaw, stallProbe };
  const measured = await measureAll(context, machine.cores);
  const results: BenchResults = {
    machine,
    settings: { timing, users: USERS, passwordHashConcurrency: hashConcurrency, bestLoginConnections: measured.bestLoginConnections },
    rawArgon2: raw,
    rawArgon2AfterLogins: measured.rawAfterLogins,
    rawArgon2Background: rawBackground,
    phases: phasesOf(measured),
    targets: evaluateTargets(raw, measured),
    memory: monitor.finish(),
  };
  return results;
}

function publish(results: BenchResults): void {
  const markdown = renderMarkdown(results);
  writeFileSync(fileURLToPath(new URL('./results.json', import.meta.url)), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(fileURLToPath(new URL('./RESULTS.md', import.meta.url)), markdown);
  console.log(`\n${markdown}`);
  for (const target of results.targets) {
    const notes = [target.note, target.floor, target.stalls].filter(Boolean).map((note) => ` – ${note}`).join('');
    console.log(`${target.pass ? 'PASS' : 'MISS'}  ${target.name}: ${target.result} (target ${target.target})${notes}`);
  }
  console.log('\nWritten: bench/results.json, bench/RESULTS.md');
}

async function main(): Promise<void> {
  const config = loadBenchConfig();
  const machine = describeMachine();
  const timing = timingFor(config.BENCH_SCALE);
  log(`${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`);

  const interrupted = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => interrupted.abort(new Error(`interrupted by ${signal}`)));
  }

  const infrastructure = await prepareInfrastructure(config);
  try {
    const env = childEnvironment(config, infrastructure.env);
    const auth = loadAuthConfig({ ...inheritedEnvironment(), ...env });
    const parameters = { memoryKib: auth.ARGON2_MEMORY_KIB, timeCost: auth.ARGON2_TIME_COST, parallelism: auth.ARGON2_PARALLELISM };
    const gate = new QuietGate(QUIET_BUDGET_MS, log);
    const rawBackground = await gate.wait({ bench: process.pid }, interrupted.signal);
    log(`raw argon2id m=${parameters.memoryKib} t=${parameters.timeCost} p=${parameters.parallelism}, ${machine.cores} loops`);
    const measureRaw = () => measureRawArgon2(parameters, machine.cores, Math.round(RAW_ARGON2_MS * config.BENCH_SCALE));
    const raw = await measureRaw();
    const background = rawBackground.quiet ? '' : ` (machine busy with ${rawBackground.foreignCores} cores of other work)`;
    log(`raw argon2id: ${raw.verifiesPerSecond.toFixed(1)} verifies/s${background}`);

    log('starting the system on random ports');
    const system = await startSystem({ env, stdio: 'ignore', randomPorts: true, devSecretsFile: null, signal: interrupted.signal });
    // A component dying mid-run ends the run: its numbers would describe a broken system.
    void system.exited.then((exit) => {
      if (exit.crashed) interrupted.abort(new Error(`the system stopped during the run: ${describeExit(exit.exit)}`));
    });
    try {
      const companions = await startCompanions();
      try {
        const baseline = { raw, measureRaw, rawBackground, hashConcurrency: auth.PASSWORD_HASH_CONCURRENCY, gate };
        publish(await measureSystem(system, companions, baseline, timing, interrupted.signal));
      } finally {
        await companions.stop();
      }
    } finally {
      log('stopping the system');
      await system.stop();
    }
  } finally {
    log('removing the bench database, Redis keys and stream');
    await infrastructure.cleanup();
  }
}

await main();
