/** The versioned base path of the public API (API.md). */
export const API_V1 = '/api/v1';

/** The operations endpoints (routes/ops.ts): GET only, no credentials, no rate limit. */
export const OPS_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

/** The documentation endpoints (routes/docs.ts): GET only, no credentials, no rate limit. */
export const DOCS_PATHS = { document: `${API_V1}/openapi.json`, page: '/docs' } as const;
