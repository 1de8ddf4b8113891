import { createClient } from 'redis';
import type { Logger } from '#libs/logging';

/**
 * Connects to Redis so that a command fails at once while the server is unreachable
 * (no offline queue): callers turn that into 503 and fail closed, never wait or skip a
 * check. The client keeps reconnecting in the background and recovers by itself.
 */
export async function connectRedis(url: string, logger: Logger) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
    },
  });
  let reported = false;
  client.on('error', (error: unknown) => {
    if (!reported) logger.warn({ err: error }, 'redis unavailable; retrying');
    reported = true;
  });
  client.on('ready', () => {
    if (reported) logger.info('redis reconnected');
    reported = false;
  });
  await client.connect();
  return client;
}

export type Redis = Awaited<ReturnType<typeof connectRedis>>;
