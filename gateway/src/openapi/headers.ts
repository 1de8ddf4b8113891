/** Response headers of the API, documented once under `components.headers`. */
export const headerComponents = {
  'X-Request-Id': {
    description: "The request's id: the client's `X-Request-Id` when it is 1-128 characters of [A-Za-z0-9._-], else a new UUID. Also `request_id` in every problem.",
    schema: { type: 'string' },
  },
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Limit': { description: 'Requests allowed per client address and window on this path.', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the current window.', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window frees a request.', schema: { type: 'integer' } },
} as const;

type HeaderName = keyof typeof headerComponents;

const refs = (...names: HeaderName[]) => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

/**
 * The headers a response carries: every one its request id; answers on the rate-limited
 * paths (/api, /.well-known) their RateLimit-* figures; every 429 Retry-After.
 */
export function responseHeaders(status: number, rateLimited: boolean): Record<string, unknown> {
  const names: HeaderName[] = ['X-Request-Id'];
  if (rateLimited) names.push('RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset');
  if (status === 429) names.push('Retry-After');
  return refs(...names);
}

/** The optional request header every operation takes. */
export const requestIdParameter = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description: 'Echoed back when it is 1-128 characters of [A-Za-z0-9._-]; useful to find a request in the logs.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' },
};

/** The optional request header of every mutation (middleware/idempotency.ts). */
export const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: a retry with the same key, method, path and body gets the first answer again (with `Idempotency-Replayed: true`) ' +
    '(for 24 hours by default), and the operation runs once. The key on another request is a 422, a retry while the first still runs a 409. ' +
    "Keys belong to the caller (to the client address on routes without credentials). Answers carrying tokens or secrets, 401, 409, 429 and 5xx are not kept: a retry runs again.",
  schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
};
