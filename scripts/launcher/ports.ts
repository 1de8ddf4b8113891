import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it; another process may take it later). */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not read the port the OS picked');
  return address.port;
}

/**
 * Throws a clear error when something already listens on host:port — typically an earlier
 * run still going. Without this check a health probe could be answered by the old process
 * while the new one fails to bind.
 */
export async function assertPortFree(host: string, port: number, owner: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(`${host}:${port} (for ${owner}) is already in use: is another run still up?`, { cause: error });
    }
    if (code !== 'EADDRNOTAVAIL') throw error; // an address not on this machine: the child will say more
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
