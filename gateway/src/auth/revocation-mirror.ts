import type { Logger } from '#libs/logging';
import { RevocationMirror, SessionRevocationList, type MirrorRedis, type RevocationStore } from '#libs/session-revocation';
import type { GatewayConfig } from '../config.ts';

/**
 * The gateway's session check: revoked sessions in memory, kept current through Redis
 * pub/sub, falling back to a Redis round trip (`direct`, 503 when Redis is down) whenever
 * the view is not proven fresh. Started before serving; `close()` it on shutdown.
 */
export function startRevocationMirror(
  redis: MirrorRedis,
  config: Pick<GatewayConfig, 'REDIS_KEY_PREFIX' | 'ACCESS_TOKEN_TTL_SECONDS' | 'REVOCATION_FRESHNESS_MS' | 'REVOCATION_HEARTBEAT_MS'>,
  logger: Logger,
  direct: RevocationStore,
): Promise<RevocationMirror> {
  const list = new SessionRevocationList(direct, config.REDIS_KEY_PREFIX, config.ACCESS_TOKEN_TTL_SECONDS);
  return RevocationMirror.start(redis, list, {
    keyPrefix: config.REDIS_KEY_PREFIX,
    freshnessMs: config.REVOCATION_FRESHNESS_MS,
    heartbeatMs: config.REVOCATION_HEARTBEAT_MS,
    localTtlSeconds: list.ttlSeconds,
    logger,
  });
}
