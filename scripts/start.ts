/**
 * `npm start`: runs the whole of EGP Accounts on this machine — the five gRPC services,
 * then the HTTP gateway — with every child's output prefixed by its name.
 *
 * Environment: `.env` is loaded if present (variables already set win). Unset
 * DATABASE_URL / REDIS_URL / NATS_URL point at this machine's Postgres, Redis and NATS;
 * the database is created if missing. Unset INTERNAL_AUTH_SECRET / AUTH_KEY_ENCRYPTION_KEY
 * are generated once and kept in the gitignored `.env.dev-secrets`, so signing keys stored
 * in the database stay decryptable across runs. NODE_ENV=production turns all of that off.
 *
 * Ctrl-C or SIGTERM stops the gateway, then the services. If any child dies on its own,
 * the rest are stopped and the launcher exits with code 1.
 *
 * Tests import `startSystem` from here instead of running this file.
 */
import { join } from 'node:path';
import { repoRoot } from './launcher/components.ts';
import { loadEnvFileIfPresent } from './launcher/config.ts';
import { describeExit } from './launcher/child.ts';
import { startSystem, type RunningSystem } from './launcher/system.ts';

export { startSystem, type RunningSystem, type StartSystemOptions, type SystemExit } from './launcher/system.ts';

/**
 * SIGINT/SIGTERM stop the system; during start-up they abort it. Installed before anything
 * starts: a default SIGINT would end the launcher without stopping its detached children.
 */
function handleSignals(startup: AbortController, running: () => RunningSystem | undefined): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130); // a second Ctrl-C: done waiting; children are SIGKILLed on exit
    signalled = true;
    process.stderr.write(`\n${signal} received: stopping (send it again to force)\n`);
    const system = running();
    if (system) void system.stop();
    else startup.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function main(): Promise<void> {
  loadEnvFileIfPresent(join(repoRoot, '.env'));
  const startup = new AbortController();
  const started: { system?: RunningSystem } = {};
  handleSignals(startup, () => started.system);
  const system = await startSystem({ stdio: 'inherit', signal: startup.signal });
  started.system = system;
  process.stdout.write(`\nEGP Accounts ready at ${system.url}\n\n`);
  const outcome = await system.exited;
  if (outcome.crashed) {
    process.stderr.write(`${describeExit(outcome.exit)}; stopped the rest.\n`);
    process.exitCode = 1;
  }
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
