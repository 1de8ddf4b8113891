import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./floor/floor-server.ts', import.meta.url));
const START_TIMEOUT_MS = 15_000;

/**
 * The stack's floor: what this machine gives the bare transports, measured beside the
 * system at the same request rate, on one node:http server (`port`): `/direct` answers a
 * fixed body; `/relay` answers after one grpc-js unary call to a separate process that does
 * nothing else (the shape of gateway → service, with no work at either end); `/multiplexed`
 * after the same call as a message on one long-lived bidi stream, the way libs/grpc sends
 * calls by default.
 */
export interface TransportFloor {
  port: number;
  /** For the CPU accounting: the floor's processes are ours, not the machine's other work. */
  pids: { 'floor-http': number; 'floor-grpc': number };
  stop(): Promise<void>;
}

async function startChild(args: string[], key: 'grpcPort' | 'httpPort'): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(ENTRY, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const signal = AbortSignal.timeout(START_TIMEOUT_MS);
  try {
    const [message] = (await once(child, 'message', { signal })) as [Record<string, number>];
    const port = message[key];
    if (typeof port !== 'number') throw new Error(`transport floor child sent ${JSON.stringify(message)}`);
    return { child, port };
  } catch (error) {
    child.kill();
    throw error;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill();
  await exited;
}

export async function startTransportFloor(): Promise<TransportFloor> {
  const grpc = await startChild(['grpc'], 'grpcPort');
  try {
    const http = await startChild(['http', String(grpc.port)], 'httpPort');
    return {
      port: http.port,
      pids: { 'floor-http': http.child.pid!, 'floor-grpc': grpc.child.pid! },
      stop: async () => {
        await Promise.all([stopChild(http.child), stopChild(grpc.child)]);
      },
    };
  } catch (error) {
    await stopChild(grpc.child);
    throw error;
  }
}
