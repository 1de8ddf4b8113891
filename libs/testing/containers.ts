/** Images the harness starts when no infrastructure is given and Docker is available. */
export const containerImages = {
  postgres: 'postgres:16-alpine',
  redis: 'redis:7-alpine',
  nats: 'nats:2',
} as const;

export interface StartedContainer {
  url: string;
  stop(): Promise<void>;
}

/*
 * testcontainers is imported only here and only when a container is actually started,
 * so a run against existing services never loads it (nor needs a Docker engine).
 */

export async function startPostgres(): Promise<StartedContainer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(containerImages.postgres)
    .withDatabase('test')
    .withUsername('postgres')
    .withPassword('postgres')
    .start();
  return { url: container.getConnectionUri(), stop: async () => void (await container.stop()) };
}

export async function startRedis(): Promise<StartedContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(containerImages.redis)
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .start();
  return {
    url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
    stop: async () => void (await container.stop()),
  };
}

export async function startNats(): Promise<StartedContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(containerImages.nats)
    .withCommand(['-js'])
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  return {
    url: `nats://${container.getHost()}:${container.getMappedPort(4222)}`,
    stop: async () => void (await container.stop()),
  };
}

/** True when a Docker engine answers; loads testcontainers only if a socket or host is configured. */
export async function dockerIsReachable(hasDockerEndpoint: boolean): Promise<boolean> {
  if (!hasDockerEndpoint) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
