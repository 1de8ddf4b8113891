import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forkAndWait, stopChild } from './forked-child.ts';

const ENTRY = fileURLToPath(new URL('./floor/floor-server.ts', import.meta.url));

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
  const { child, message } = await forkAndWait(ENTRY, args);
  const port = (message as Record<string, unknown>)[key];
  if (typeof port === 'number') return { child, port };
  await stopChild(child);
  throw new Error(`transport floor child sent ${JSON.stringify(message)}`);
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
