import { createHash, createHmac, randomUUID } from 'node:crypto';

/** What the store needs of Redis: scripts only, so each step is one atomic round trip. */
export interface IdempotencyRedis {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** What a key was first used for: `POST /api/v1/organizations` and a hash of the body. */
export interface RequestFingerprint {
  request: string;
  bodyHash: string;
}

/** A final answer, as replayed: status, the headers worth repeating, and the body's bytes. */
export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Held by the one request that claimed a key; nobody else can save or release it. */
export interface IdempotencyLock {
  readonly redisKey: string;
  /** The in-flight record exactly as written: its random id makes it this request's own. */
  readonly record: string;
}

export type IdempotencyClaim =
  | { kind: 'claimed'; lock: IdempotencyLock }
  | { kind: 'in_flight'; fingerprint: RequestFingerprint }
  | { kind: 'answered'; fingerprint: RequestFingerprint; answer: StoredAnswer };

export interface IdempotencyStoreOptions {
  /** How long a final answer is replayed. */
  answerTtlSeconds: number;
  /** How long a claim holds without an answer: a gateway that crashed mid-request frees the key then. */
  lockTtlMs: number;
  /** Keys the body hashes (see `fingerprint`); the same on every gateway. */
  secret: string;
}

/** Writes the in-flight record unless the key has one already, and answers what was there. */
const CLAIM = `
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

/** Replaces the in-flight record with the answer, only while the record is still this request's. */
const SAVE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

/** Deletes the in-flight record, only while it is still this request's. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

interface InFlightRecord extends RequestFingerprint {
  state: 'in_flight';
  lockId: string;
}

interface AnsweredRecord extends RequestFingerprint {
  state: 'answered';
  status: number;
  headers: Record<string, string>;
  /** base64: the bytes exactly as they were sent. */
  body: string;
}

function fingerprintOf(record: RequestFingerprint): RequestFingerprint {
  return { request: record.request, bodyHash: record.bodyHash };
}

/**
 * Idempotency keys in Redis, one record per caller and key: in flight while the first request
 * runs (expiring after `lockTtlMs`), then its answer for `answerTtlSeconds`. Every failure of
 * Redis is thrown to the caller, which decides whether that is a 503 or only a log line.
 */
export class IdempotencyStore {
  private readonly redis: IdempotencyRedis;
  private readonly keyPrefix: string;
  private readonly options: IdempotencyStoreOptions;
  private readonly bodyHashKey: Buffer;

  constructor(redis: IdempotencyRedis, keyPrefix: string, options: IdempotencyStoreOptions) {
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.options = options;
    // Its own key, derived: the secret's other use (signing assertions) never meets this one.
    this.bodyHashKey = createHmac('sha256', options.secret).update('egp gateway: idempotency body hash').digest();
  }

  /**
   * What a request is compared by. The body is kept as a keyed hash (HMAC), never a plain one:
   * bodies hold passwords (a password change, a sign-in refused as malformed), and a plain
   * SHA-256 kept for a day would let whoever reads Redis test guesses against it at speed.
   */
  fingerprint(request: string, canonicalBody: string): RequestFingerprint {
    return { request, bodyHash: createHmac('sha256', this.bodyHashKey).update(canonicalBody).digest('base64url') };
  }

  /**
   * The key's Redis name. The caller's scope and the client's key are hashed: a key of up to
   * 255 characters, with user ids beside it, would otherwise make long and revealing key names.
   */
  private redisKey(scope: string, key: string): string {
    return `${this.keyPrefix}idem:${createHash('sha256').update(scope).update('\u0000').update(key).digest('base64url')}`;
  }

  /** Claims `key` for `scope`, or tells who holds it: a request still in flight, or a stored answer. */
  async claim(scope: string, key: string, fingerprint: RequestFingerprint): Promise<IdempotencyClaim> {
    const redisKey = this.redisKey(scope, key);
    const inFlight: InFlightRecord = { state: 'in_flight', lockId: randomUUID(), ...fingerprintOf(fingerprint) };
    const record = JSON.stringify(inFlight);
    const existing = await this.redis.eval(CLAIM, { keys: [redisKey], arguments: [record, String(this.options.lockTtlMs)] });
    if (typeof existing !== 'string') return { kind: 'claimed', lock: { redisKey, record } };
    const stored = JSON.parse(existing) as InFlightRecord | AnsweredRecord;
    if (stored.state === 'in_flight') return { kind: 'in_flight', fingerprint: fingerprintOf(stored) };
    const answer = { status: stored.status, headers: stored.headers, body: Buffer.from(stored.body, 'base64') };
    return { kind: 'answered', fingerprint: fingerprintOf(stored), answer };
  }

  /** Stores the answer under a lock still held; false when the lock had expired (nothing stored). */
  async save(lock: IdempotencyLock, answer: StoredAnswer): Promise<boolean> {
    const inFlight = JSON.parse(lock.record) as InFlightRecord;
    const answered: AnsweredRecord = {
      state: 'answered',
      ...fingerprintOf(inFlight),
      status: answer.status,
      headers: answer.headers,
      body: answer.body.toString('base64'),
    };
    const saved = await this.redis.eval(SAVE, { keys: [lock.redisKey], arguments: [lock.record, JSON.stringify(answered), String(this.options.answerTtlSeconds)] });
    return saved === 1;
  }

  /** Frees the key, so the client may send the request again and have it run. */
  async release(lock: IdempotencyLock): Promise<void> {
    await this.redis.eval(RELEASE, { keys: [lock.redisKey], arguments: [lock.record] });
  }
}
