import { createHash } from 'node:crypto';

/** The Redis commands a script needs; a node-redis client satisfies it. */
export interface ScriptStore {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The keys and arguments of one script call. */
export interface ScriptCall {
  keys: string[];
  arguments: string[];
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * A Lua script called by its SHA-1 (EVALSHA): each call carries a few bytes instead of the
 * whole source, and Redis skips hashing it. The source is sent again only when Redis's
 * script cache is empty (after a restart or failover). Errors propagate: callers fail closed.
 */
export class RedisScript {
  readonly source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(store: ScriptStore, call: ScriptCall): Promise<unknown> {
    try {
      return await store.evalSha(this.#sha, call);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return store.eval(this.source, call);
    }
  }
}
