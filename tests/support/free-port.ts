import { createServer } from 'node:net';

/** A port that was free a moment ago, for services that must know each other's address up front. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('No port assigned.');
  return address.port;
}
