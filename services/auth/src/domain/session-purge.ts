import type { EntityManager } from '@mikro-orm/postgresql';
import { PreparedStatement } from '#libs/db';
import type { Logger } from '#libs/logging';

/**
 * Sessions per statement: each takes its refresh tokens with it (up to one per refresh over
 * its life), so batches stay small enough to hold row locks only briefly.
 */
const BATCH_SIZE = 100;

/*
 * Ended sessions (expired, or revoked) whose end is older than the cutoff, their refresh
 * tokens deleted with them (on delete cascade). SKIP LOCKED: replicas purging at once split
 * the work instead of waiting on each other.
 */
const DELETE_ENDED_SESSIONS = new PreparedStatement<{ id: string }>(`
  with doomed as (
    select "id" from "auth"."sessions"
    where "expires_at" < $1 or "revoked_at" < $1
    limit ${BATCH_SIZE}
    for update skip locked
  )
  delete from "auth"."sessions" s using doomed where s."id" = doomed."id"
  returning s."id"`);

export interface SessionPurgeOptions {
  /** How long an ended session (and its spent refresh tokens) is kept for investigation. */
  retentionSeconds: number;
  intervalSeconds: number;
}

/**
 * Deletes sessions that ended longer than the retention ago. Without it the tables only grow:
 * every sign-in adds a session and every refresh a token row. Open sessions keep all their
 * spent refresh tokens, so reuse detection (a replayed spent token ends the session) works
 * for a session's whole life; once it has ended, a replay is refused either way.
 */
export class SessionPurge {
  readonly #em: EntityManager;
  readonly #logger: Logger;
  readonly #options: SessionPurgeOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(em: EntityManager, logger: Logger, options: SessionPurgeOptions) {
    this.#em = em;
    this.#logger = logger;
    this.#options = options;
  }

  /** Deletes every ended session past the retention, batch by batch; returns how many. */
  async purge(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.#options.retentionSeconds * 1000);
    let deleted = 0;
    for (;;) {
      const batch = await DELETE_ENDED_SESSIONS.run(this.#em, [cutoff]);
      deleted += batch.length;
      if (batch.length < BATCH_SIZE) return deleted;
    }
  }

  /**
   * Purges every interval, the first one interval after start (a fleet restarting at once does
   * not purge all together), logging failures: the next run retries.
   */
  start(): void {
    const run = () => {
      this.#running = this.purge()
        .then((deleted) => {
          if (deleted > 0) this.#logger.info({ deleted }, 'ended sessions purged');
        })
        .catch((error: unknown) => this.#logger.warn({ err: error }, 'session purge failed; will retry'));
    };
    this.#timer = setInterval(run, this.#options.intervalSeconds * 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
