import { gateway as realGateway, services as realServices, type Component, type ServiceComponent } from './components.ts';
import type { Env, LauncherConfig } from './config.ts';
import { ensureDatabase } from './ensure-database.ts';
import { prepareEnvironment, type EnvironmentOptions } from './environment.ts';
import { formatPrefix, sinkFor, type OutputTarget } from './output.ts';
import { assertPortFree } from './ports.ts';
import { waitForGrpcServing, waitForHttpOk } from './readiness.ts';
import { Supervisor, type SystemExit } from './supervisor.ts';

export type { SystemExit } from './supervisor.ts';

export interface StartSystemOptions extends EnvironmentOptions {
  /** Where the children's name-prefixed output goes. Default 'inherit' (this terminal). */
  stdio?: OutputTarget;
  /** Per component: how long it may take to become ready. Default 60 s. */
  startupTimeoutMs?: number;
  /** Aborting it during start-up stops what was started and rejects with its reason. */
  signal?: AbortSignal;
  /** What to run instead of the real services and gateway: for the launcher's own tests. */
  components?: { services: readonly ServiceComponent[]; gateway: Component };
}

export interface RunningSystem {
  /** The gateway's base URL, e.g. http://localhost:8080. */
  url: string;
  /** The environment every child was given (addresses, URLs, secrets), for tests. */
  env: Readonly<Env>;
  /** Stops the gateway, then the services; resolves when all have exited. Idempotent. */
  stop(): Promise<SystemExit>;
  /** Settles when the system has stopped: by `stop()`, or because a component died. */
  exited: Promise<SystemExit>;
  /** The process id of each component still running, by name (`gateway`, `auth`...). */
  pids(): Record<string, number>;
}

const LAUNCHER = 'launcher';

function splitAddress(address: string): { host: string; port: number } {
  const separator = address.lastIndexOf(':');
  return { host: address.slice(0, separator), port: Number(address.slice(separator + 1)) };
}

async function assertPortsFree(config: LauncherConfig, services: readonly ServiceComponent[], gateway: Component): Promise<void> {
  for (const service of services) {
    const { host, port } = splitAddress(config[service.addressVariable]);
    await assertPortFree(host, port, service.name);
  }
  await assertPortFree('127.0.0.1', config.PORT, gateway.name);
}

/**
 * Starts the whole system as child processes: the services one by one, each awaited until
 * its gRPC health check says SERVING, then the gateway, awaited until GET /readyz answers
 * 200. A failure at any step stops whatever was started and rejects.
 */
export async function startSystem(options: StartSystemOptions = {}): Promise<RunningSystem> {
  const { services, gateway } = options.components ?? { services: realServices, gateway: realGateway };
  const prefixWidth = Math.max(LAUNCHER.length, gateway.name.length, ...services.map((service) => service.name.length));
  const target = options.stdio ?? 'inherit';
  const sink = sinkFor(target);
  const say = (line: string) => sink.stderr(`${formatPrefix(LAUNCHER, prefixWidth)}${line}`);

  const { env, config } = await prepareEnvironment(options, say);
  await assertPortsFree(config, services, gateway);
  if ((await ensureDatabase(config.DATABASE_URL)) === 'created') say('created the database DATABASE_URL names');

  const supervisor = new Supervisor({
    env,
    sink,
    prefixWidth,
    stopGraceMs: config.SHUTDOWN_DRAIN_DELAY_MS + config.SHUTDOWN_GRACE_MS + 5_000,
    includeTailInErrors: target !== 'inherit',
  });
  const signals = options.signal ? [supervisor.failureSignal, options.signal] : [supervisor.failureSignal];
  const wait = { timeoutMs: options.startupTimeoutMs ?? 60_000, signal: AbortSignal.any(signals) };
  try {
    for (const service of services) {
      wait.signal.throwIfAborted();
      say(`starting ${service.name} on ${config[service.addressVariable]}`);
      supervisor.spawn(service);
      await waitForGrpcServing(config[service.addressVariable], wait);
    }
    wait.signal.throwIfAborted();
    say(`starting ${gateway.name} on port ${config.PORT}`);
    supervisor.spawn(gateway);
    await waitForHttpOk(`http://127.0.0.1:${config.PORT}/readyz`, wait);
  } catch (error) {
    await supervisor.stop();
    throw error;
  }
  return {
    url: `http://localhost:${config.PORT}`,
    env: Object.freeze({ ...env }),
    stop: () => supervisor.stop(),
    exited: supervisor.exited,
    pids: () => supervisor.pids(),
  };
}
