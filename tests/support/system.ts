import { afterAll, beforeAll } from 'vitest';
import { startSystem, type RunningSystem } from '../../scripts/launcher/system.ts';
import { systemEnv } from './service-env.ts';

/** Five services, each migrating its schema, then the gateway: give it time. */
export const SYSTEM_STARTUP_TIMEOUT_MS = 90_000;
const SYSTEM_STOP_TIMEOUT_MS = 30_000;

/** Starts the whole system as `npm start` does (child processes, random ports) against the run's infrastructure. */
export async function startTestSystem(overrides: Record<string, string> = {}): Promise<RunningSystem> {
  return startSystem({ env: systemEnv(overrides), stdio: 'ignore', randomPorts: true, devSecretsFile: null });
}

/**
 * The one pattern for e2e files: a system of the file's own, started in `beforeAll` and
 * stopped in `afterAll`. Call at the top of a `describe`; read the system inside tests.
 *
 *   const system = useTestSystem();
 *   it('...', async () => { await fetch(`${system().url}/healthz`); });
 */
export function useTestSystem(overrides: Record<string, string> = {}): () => RunningSystem {
  let running: RunningSystem | undefined;
  beforeAll(async () => {
    running = await startTestSystem(overrides);
  }, SYSTEM_STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await running?.stop();
  }, SYSTEM_STOP_TIMEOUT_MS);
  return () => {
    if (!running) throw new Error('The system is not running (did beforeAll fail?).');
    return running;
  };
}
