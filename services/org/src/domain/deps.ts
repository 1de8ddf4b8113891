import type { EntityManager } from '@mikro-orm/postgresql';

/** What every org use case needs; nothing more is handed around. */
export interface OrgDeps {
  em: EntityManager;
  /** Injected so tests can move time (invitation expiry). */
  now: () => Date;
  /** Called after a commit that recorded events, so the relay publishes without waiting for its poll. */
  afterCommit: () => void;
}

export interface InvitationPolicy {
  ttlSeconds: number;
  /** The page that accepts invitations; the token goes after `#token=` (a fragment never reaches a server log). */
  acceptUrl: string;
}

/** The caller's account, as the auth service knows it; undefined when there is no such user. */
export type FindUser = (userId: string) => Promise<{ id: string; email: string } | undefined>;
