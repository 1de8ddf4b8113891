import type { Response } from 'express';
import type { StoredAnswer } from './idempotency-store.ts';

/**
 * Larger answers are not kept (the key is freed instead): a replay store is no place for
 * bulk data, and no mutation of this API answers with more than a few kilobytes.
 */
export const MAX_KEPT_BODY_BYTES = 64 * 1024;

/** The headers a replay repeats; the rest (request id, rate limits, security headers) belong to each request. */
const REPLAYED_HEADERS = ['content-type', 'location'];

/**
 * Answers that are not final, so a retry must run again: 401 (the credentials failed, and a
 * retry with fresh ones should be served), 408, 409 (a conflict, such as a duplicate, may be
 * gone by the retry) and 429 (wait, then retry). Every 5xx too.
 */
const RETRYABLE_STATUSES = new Set([401, 408, 409, 429]);

/**
 * A member named `token`, `*_token`, `secret` or `*_secret` holds a credential: access and
 * refresh tokens (register, login, refresh, token exchange) or a secret shown once (an
 * invitation's token). Such answers are never kept: Redis would hold live credentials for
 * a day, and a replay would hand them out again — a spent refresh token's pair included.
 * Their key is freed instead, so a retry runs again as if no key had been sent (a second
 * login, or reuse detection for a spent refresh token).
 */
const SECRET_MEMBER = /(^|_)(token|secret)$/i;

function namesSecret(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([name, member]) => SECRET_MEMBER.test(name) || namesSecret(member));
}

/** A body that cannot be read as JSON cannot be shown to hold no secret: it is not kept. */
function carriesSecret(body: Buffer): boolean {
  if (body.length === 0) return false;
  try {
    return namesSecret(JSON.parse(body.toString('utf8')));
  } catch {
    return true;
  }
}

/** Whether an answer is replayed to retries with the same key. */
export function isKept(answer: StoredAnswer): boolean {
  const { status, body } = answer;
  const final = (status >= 200 && status < 300) || (status >= 400 && status < 500 && !RETRYABLE_STATUSES.has(status));
  return final && body.length <= MAX_KEPT_BODY_BYTES && !carriesSecret(body);
}

/** The answer a route sent, when it went out in one piece; `keep` says whether retries get it again. */
export type HeldAnswer = { keep: true; stored: StoredAnswer } | { keep: false };

function bytesOf(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return Buffer.alloc(0);
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}

function storedAnswer(res: Response, body: Buffer): StoredAnswer {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return { status: res.statusCode, headers, body };
}

/** Responses whose answer is sent but held until it is recorded (their `headersSent` is still false). */
const heldAnswers = new WeakSet<Response>();

/**
 * Whether `res` has been answered and its answer is only being held: anything that would
 * answer it again (an error thrown after the route sent) must leave it alone, or the client
 * would get a second answer and the key would replay one it never saw.
 */
export function isAnswerHeld(res: Response): boolean {
  return heldAnswers.has(res);
}

type Write = (...args: unknown[]) => boolean;
type End = (...args: unknown[]) => Response;

/**
 * Holds the response's last write until `settle` has recorded it: a retry sent the moment the
 * client has the answer then finds it stored, never a key still in flight. The gateway's JSON
 * and problem answers are sent whole (`res.send`: one `end` with the body); a response written
 * in pieces (`res.write`) streams as usual and is not kept. `settle` must not throw.
 */
export function holdAnswer(res: Response, settle: (answer: HeldAnswer) => Promise<void>): void {
  const write = res.write.bind(res) as Write;
  const end = res.end.bind(res) as End;
  let streamed = false;
  res.write = ((...args: unknown[]) => {
    streamed = true;
    return write(...args);
  }) as Response['write'];
  res.end = ((...args: unknown[]) => {
    // The first answer is the one sent and kept; a second `end` while it is held is dropped.
    res.write = (() => false) as Response['write'];
    res.end = (() => res) as Response['end'];
    heldAnswers.add(res);
    const status = res.statusCode;
    const body = streamed ? undefined : bytesOf(args[0], args[1]);
    const answer = body === undefined ? undefined : storedAnswer(res, body);
    const held: HeldAnswer = answer !== undefined && isKept(answer) ? { keep: true, stored: answer } : { keep: false };
    void settle(held).finally(() => {
      res.write = write as Response['write'];
      res.end = end as Response['end'];
      heldAnswers.delete(res);
      res.statusCode = status;
      end(...args);
    });
    return res;
  }) as Response['end'];
}
