import type { RequestHandler, Response } from 'express';

/**
 * The response headers a JSON API needs (OWASP's REST security guidance), fixed once here
 * rather than a general-purpose set written for HTML pages: every answer may carry tokens or
 * a user's data, so none is stored by a browser or proxy (`no-store`, and `Pragma: no-cache`
 * for HTTP/1.0 caches: RFC 6749 §5.1 asks token responses for both); none is ever a
 * document to render, frame or sniff as another type. A route that is safe to cache (JWKS)
 * sets its own Cache-Control, which replaces this one and drops the Pragma.
 */
export const API_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

export function securityHeaders(): RequestHandler {
  return (_req, res: Response, next) => {
    for (const [name, value] of API_HEADERS) res.setHeader(name, value);
    next();
  };
}
