import { DOCS_PATHS, OPS_PATHS } from '../routes/paths.ts';
import { responseHeaders } from './headers.ts';
import { problemContent } from './problem-content.ts';
const status = (value: string) => ({ 'application/json': { schema: { type: 'object', properties: { status: { const: value } }, required: ['status'] } } });

function get(operationId: string, summary: string, responses: Record<number, { description: string; content?: unknown }>) {
  const documented = Object.fromEntries(Object.entries(responses).map(([code, response]) => [code, { ...response, headers: responseHeaders(Number(code), false) }]));
  return { get: { operationId, summary, tags: ['Operations'], security: [], responses: documented } };
}

/** The operations and documentation endpoints (routes/ops.ts, routes/docs.ts): no rate limit, no credentials. */
export const operationsPaths = {
  [OPS_PATHS.health]: get('getHealthz', 'Liveness: the process is up', { 200: { description: 'Up.', content: status('ok') } }),
  [OPS_PATHS.ready]: get('getReadyz', 'Readiness: Redis and every service answer, and the gateway is not shutting down', {
    200: { description: 'Ready.', content: status('ready') },
    503: { description: 'Not ready; `errors` names each dependency that is down.', content: problemContent },
  }),
  [OPS_PATHS.metrics]: get('getMetrics', 'Prometheus metrics', { 200: { description: 'Text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } } }),
  [DOCS_PATHS.document]: get('getOpenApiDocument', 'This document', { 200: { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: { type: 'object' } } } } }),
  [DOCS_PATHS.page]: get('getDocs', 'The API reference, as a web page', { 200: { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } } }),
};
