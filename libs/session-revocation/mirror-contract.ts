import type { Logger } from '#libs/logging';
import type { RevokedMessage } from './revocation-list.ts';

/** The subscriber connection: a node-redis client from `duplicate()` (or a test double). */
export interface MirrorSubscriber {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<void>;
  on(event: 'connect' | 'ready' | 'reconnecting' | 'end' | 'error', listener: (...args: unknown[]) => void): unknown;
  destroy(): void;
}

/** What the mirror uses of the gateway's normal Redis client. */
export interface MirrorRedis {
  publish(channel: string, message: string): Promise<unknown>;
  zRangeByScoreWithScores(key: string, min: number | string, max: number | string): Promise<Array<{ value: string; score: number }>>;
  duplicate(overrides?: { name?: string; socket?: object }): MirrorSubscriber;
  /** The client's options (node-redis `client.options`): the subscriber keeps its socket settings. */
  readonly options?: { socket?: object };
}

/** The exact check the mirror falls back to (`SessionRevocationList`): throws UNAVAILABLE when Redis is away. */
export interface DirectRevocationCheck {
  isRevoked(sessionId: string): Promise<boolean>;
}

export interface RevocationMirrorOptions {
  keyPrefix: string;
  /**
   * F: answer from memory only while the view is known complete up to at most F ms ago;
   * otherwise ask Redis. A revocation can be missed by a memory answer only within F ms of
   * Redis applying it (see the class comment), so F bounds how late a session ends.
   */
  freshnessMs: number;
  /** P: how often a heartbeat is published; must be well below F, or answers keep falling back to Redis. */
  heartbeatMs: number;
  /** How long a session marked ended by `sessionsEnded` stays refused (the list's TTL). */
  localTtlSeconds: number;
  logger?: Logger;
  /** How often, at most, expired entries are dropped from memory. */
  pruneIntervalMs?: number;
}

export interface RevocationMirrorStatus {
  /** True while `isRevoked` answers from memory. */
  fresh: boolean;
  /** The local send time (`performance.now()`) up to which the view is known complete. */
  completeAsOf: number;
  /** Session ids held in memory. */
  size: number;
}

/** Heartbeats travel on the revocation channel with this prefix; revocations are JSON. */
export const HEARTBEAT_PREFIX = 'h:';

/** A revocation message as `SessionRevocationList.revoke` publishes it, or undefined if malformed. */
export function parseRevoked(message: string): RevokedMessage | undefined {
  try {
    const parsed = JSON.parse(message) as Partial<RevokedMessage>;
    if (parsed.t !== 'r' || typeof parsed.exp !== 'number' || !Array.isArray(parsed.ids)) return undefined;
    if (!parsed.ids.every((id) => typeof id === 'string')) return undefined;
    return parsed as RevokedMessage;
  } catch {
    return undefined;
  }
}
