import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NATS_SERVER_BINARY = '/usr/sbin/nats-server';
const STARTUP_TIMEOUT_MS = 5_000;

/**
 * A nats-server of one test file's own, with its own JetStream store, so the test can kill
 * it and lose its store without touching the machine's shared server that other work uses.
 */
export interface OwnNatsServer {
  url: string;
  /** Kills the process (as a crash would) and waits until it is gone. */
  kill(): Promise<void>;
  /** Deletes the JetStream store, as a new node or a wiped volume would have it. */
  wipeStore(): Promise<void>;
  /** Starts the server again on the same port and store directory. */
  restart(): Promise<void>;
  /** Kills the server and deletes its store directory. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

async function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!(await acceptsConnections(port))) {
    if (server.exitCode !== null) throw new Error(`nats-server exited with ${server.exitCode}`);
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port} within ${STARTUP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function startOwnNatsServer(): Promise<OwnNatsServer> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'egp-nats-store-'));
  let server: ChildProcess | undefined;

  const start = async () => {
    const started = spawn(NATS_SERVER_BINARY, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
    server = started;
    // Should the test process die before afterAll, the server must not outlive it.
    process.once('exit', () => started.kill('SIGKILL'));
    await waitForPort(port, started);
  };
  const kill = async () => {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    kill,
    async wipeStore() {
      await rm(storeDir, { recursive: true, force: true });
    },
    restart: start,
    async close() {
      await kill();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
