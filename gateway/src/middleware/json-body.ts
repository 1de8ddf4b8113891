import { AsyncResource } from 'node:async_hooks';
import { isUtf8 } from 'node:buffer';
import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '#libs/errors';
import { answeringBeforeBody } from './client-error.ts';
import { findDuplicateMember } from './duplicate-members.ts';

/** Keys that could reach an object's prototype if a body were ever merged naively. */
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 64;

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * A problem with the body as a whole, listed like a field's (as `(body)`), so a client that
 * shows `errors` finds every validation failure there.
 */
function bodyProblem(detail: string): AppError {
  return AppError.validation(detail, [{ field: '(body)', message: detail }]);
}

/** Postgres stores no NUL in text or jsonb: no field of ours can hold one. */
const NUL = '\u0000';

function refuseNul(field: string): never {
  throw AppError.validation('The body contains a NUL character.', [{ field: field || '(body)', message: 'NUL characters are not allowed.' }]);
}

/*
 * A `\uD800`-style escape is valid JSON but names half a character: every encoder downstream
 * (protobuf, Postgres) would write it as U+FFFD, so two passwords differing only there would
 * be one, and a name would be stored as the client never sent it. Refused like invalid UTF-8.
 */
function refuseLoneSurrogate(field: string): never {
  const message = 'Unpaired UTF-16 surrogates (\\uD800-\\uDFFF escapes) are not allowed.';
  throw AppError.validation('The body contains half of a UTF-16 surrogate pair.', [{ field: field || '(body)', message }]);
}

function assertText(text: string, field: string): void {
  if (text.includes(NUL)) refuseNul(field);
  if (!text.isWellFormed()) refuseLoneSurrogate(field);
}

/** Rejects prototype-pollution keys, NUL characters, lone surrogates and absurd nesting anywhere in a parsed body. */
function assertSafeBody(value: unknown, path: string, depth: number): void {
  if (typeof value === 'string') assertText(value, path);
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) throw bodyProblem(`The body nests deeper than ${MAX_DEPTH} levels.`);
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (forbiddenKeys.has(key)) {
      throw AppError.validation('The body contains a forbidden key.', [{ field: childPath, message: 'Forbidden key.' }]);
    }
    assertText(key, path);
    assertSafeBody(child, childPath, depth + 1);
  }
}

const UTF8_ONLY = 'Send JSON as UTF-8, without content encoding.';

const tooLarge = (limitBytes: number) => new AppError('PAYLOAD_TOO_LARGE', `The body exceeds ${limitBytes} bytes.`);

/**
 * A client error body-parser did not name above still carries its 4xx status: it stays the
 * client's problem (400, 413 or 415), never a 500.
 */
function fromClientStatus(error: { status?: unknown; statusCode?: unknown }, limitBytes: number): AppError | undefined {
  const status = Number(error.status ?? error.statusCode);
  if (!Number.isInteger(status) || status < 400 || status > 499) return undefined;
  if (status === 413) return tooLarge(limitBytes);
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', UTF8_ONLY);
  return bodyProblem('The body could not be read.');
}

/** body-parser's failures, rephrased as our error codes. */
export function toAppError(error: { type?: string; status?: unknown; statusCode?: unknown }, limitBytes: number): AppError {
  switch (error.type) {
    case 'entity.too.large':
      return tooLarge(limitBytes);
    case 'entity.parse.failed':
      return bodyProblem('The body is not valid JSON.');
    case 'entity.verify.failed':
      return bodyProblem('The body is not valid UTF-8.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', UTF8_ONLY);
    case 'request.aborted':
    case 'request.size.invalid':
      return bodyProblem('The body was incomplete.');
    default:
      return fromClientStatus(error, limitBytes) ?? AppError.internal(error);
  }
}

/** Each request's body as it arrived, for the checks made after it parsed. */
const rawBodies = new WeakMap<object, Buffer>();

function keepIfUtf8(req: object, _res: unknown, bytes: Buffer): void {
  if (!isUtf8(bytes)) throw new Error('not UTF-8');
  rawBodies.set(req, bytes);
}

/** Longest member name quoted back in a problem's detail. */
const NAME_SHOWN_CHARS = 64;

function assertNoDuplicateMember(req: object): void {
  const raw = rawBodies.get(req);
  rawBodies.delete(req); // the parsed body is all the rest of the request needs
  const name = raw && findDuplicateMember(raw);
  if (name !== undefined) throw bodyProblem(`The body names ${JSON.stringify(name.slice(0, NAME_SHOWN_CHARS))} twice in one object.`);
}

/** Every body the API takes is an object; valid JSON of another kind is told apart from broken JSON. */
function assertObject(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bodyProblem('The body must be a JSON object.');
}

/**
 * JSON bodies only: anything else with a body is a 415, more than `limitBytes` a 413,
 * broken JSON a 400, valid JSON that is not an object another 400. Parsed bodies are checked
 * for duplicate names, prototype keys, NUL characters and lone surrogates before any route sees
 * them.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  // No inflating: a compressed body is a 415, and a small gzip bomb never expands in memory.
  // Not strict: body-parser's strict mode calls `null` or `"text"` invalid JSON; assertObject
  // refuses them with the accurate reason instead.
  // Bytes that are not UTF-8 are refused, not decoded to U+FFFD: replacement would make
  // distinct inputs equal (two passwords differing only in invalid bytes) and store what the
  // client never sent (RFC 8259 §8.1: JSON exchanged between systems is UTF-8). A name given
  // twice in one object is refused too (findDuplicateMember says why).
  const parse = express.json({ limit: limitBytes, strict: false, type: 'application/json', inflate: false, verify: keepIfUtf8 });
  return (req, res, next) => {
    if (!hasBody(req)) {
      next();
      return;
    }
    if (!req.is('application/json')) {
      next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json.'));
      return;
    }
    // Refused on its declared length at once: the parser would read the whole body before
    // answering. The rest is still read and discarded behind the answer (closing with it unread
    // resets the connection, and a client still uploading loses the 413 to EPIPE); a client
    // that never finishes is cut off at HTTP_REQUEST_TIMEOUT_MS.
    if (Number(req.headers['content-length']) > limitBytes) {
      answeringBeforeBody(req);
      next(tooLarge(limitBytes));
      return;
    }
    // body-parser may call back from stream events, outside the request's async context; rebind
    // so the rest of the chain keeps the request id in its log lines.
    const afterParse = AsyncResource.bind((error?: unknown) => {
      if (error !== undefined && error !== null) {
        next(toAppError(error, limitBytes));
        return;
      }
      try {
        assertObject(req.body);
        assertNoDuplicateMember(req);
        assertSafeBody(req.body, '', 0);
        next();
      } catch (unsafe) {
        next(unsafe);
      }
    });
    parse(req, res, afterParse);
  };
}
