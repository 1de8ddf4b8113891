import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { withRequestId } from '#libs/logging';
import './request-context.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * A client's id is echoed only if it is short and plain, so it is safe in logs and headers:
 * letters, digits and the punctuation real ids use (UUIDs and ULIDs, W3C trace ids, base64's
 * `+/=`, AWS's `Root=1-…;Parent=…`, `urn:` and path-like names); no spaces, quotes, commas,
 * angle brackets or backslashes.
 */
const saneRequestId = /^[A-Za-z0-9._~:/+=;@-]{1,128}$/;

/**
 * Gives every request an id (the client's, if sane, else a fresh UUID), puts it on the
 * response before anything else can answer, and runs the rest of the chain inside the
 * logging context so every log line written for this request carries it.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const offered = req.get(REQUEST_ID_HEADER);
    const id = offered !== undefined && saneRequestId.test(offered) ? offered : randomUUID();
    req.requestId = id;
    req.receivedAt = performance.now();
    res.setHeader(REQUEST_ID_HEADER, id);
    withRequestId(id, () => next());
  };
}
