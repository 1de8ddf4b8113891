import { z } from 'zod';
import { acceptsReadOnlyEcho, readOnlyEchoFields } from '../middleware/validation.ts';
import type { Operation } from './define-route.ts';
import { headerComponents, idempotencyKeyParameter, requestIdParameter, responseHeaders } from './headers.ts';
import { operationsPaths } from './operations-paths.ts';
import { problemContent } from './problem-content.ts';

type JsonSchema = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** Operations that take an `Idempotency-Key`. */
const mutates = (operation: Operation) => operation.method !== 'get';

/** Standard statuses every route of a kind can answer, beyond what the route declares. */
function implicitErrors(operation: Operation): Record<number, string> {
  const errors: Record<number, string> = {};
  if (operation.body || operation.query || operation.params) errors[400] = 'The request is invalid.';
  if (operation.auth !== 'none') errors[401] = 'Missing, invalid or expired credentials.';
  if (operation.auth === 'user') errors[403] = "A service token was sent; this route needs the user's own access token.";
  if (operation.body) {
    errors[413] = 'The body is too large.';
    errors[415] = 'The body is not application/json.';
  }
  if (mutates(operation)) {
    errors[409] = 'A request with the same Idempotency-Key is still being processed.';
    errors[422] = 'The Idempotency-Key was used for another request (method, path or body).';
  }
  errors[429] = 'Too many requests; see Retry-After.';
  errors[500] = 'Unexpected failure.';
  errors[503] = 'A dependency is unavailable; retry later.';
  return errors;
}

/**
 * A body that tolerates the echo fields says so: they are listed (optional, `readOnly`,
 * ignored), so a client sending back an object it read validates against the document.
 */
function listReadOnlyEchoFields(object: JsonSchema): void {
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  for (const field of readOnlyEchoFields) {
    properties[field] ??= { readOnly: true, description: 'Read-only; ignored when sent back.' };
  }
  object.properties = properties;
}

/** zod 4's own JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), inlined. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema: object }) => {
      if (io === 'input' && acceptsReadOnlyEcho(zodSchema)) listReadOnlyEchoFields(object);
    },
  }) as JsonSchema;
  return rest;
}

function parameters(operation: Operation): JsonSchema[] {
  const parts = [
    ['path', operation.params],
    ['query', operation.query],
  ] as const;
  return parts.flatMap(([location, schema]) => {
    if (!schema) return [];
    const object = jsonSchema(schema, 'input');
    const required = new Set((object.required as string[] | undefined) ?? []);
    const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
    return Object.entries(properties).map(([name, property]) => ({
      name,
      in: location,
      required: location === 'path' || required.has(name),
      schema: property,
    }));
  });
}

function responses(operation: Operation): Record<string, unknown> {
  const documented: Record<string, unknown> = {};
  const headers = (status: number) => ({ headers: responseHeaders(status, true) });
  const success = operation.responses[operation.successStatus];
  documented[operation.successStatus] = success
    ? { description: 'Success.', ...headers(operation.successStatus), content: { 'application/json': { schema: jsonSchema(success, 'output') } } }
    : { description: 'Success, no content.', ...headers(operation.successStatus) };
  const errors = { ...implicitErrors(operation), ...operation.responses };
  for (const [status, description] of Object.entries(errors)) {
    if (typeof description !== 'string') continue;
    documented[status] = {
      description,
      ...headers(Number(status)),
      content: problemContent,
    };
  }
  return documented;
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'request_id'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    request_id: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** `post` `/api/v1/auth/register` → `postApiV1AuthRegister`. */
function operationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

/** An OpenAPI 3.1 document generated from the very schemas the route guard validates with. */
export function buildOpenApiDocument(operations: readonly Operation[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const path = operation.path.replaceAll(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][operation.method] = {
      operationId: operationId(operation.method, path),
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      tags: operation.tags,
      security: operation.auth === 'none' ? [] : [{ bearerAuth: [] }],
      parameters: [...parameters(operation), requestIdParameter, ...(mutates(operation) ? [idempotencyKeyParameter] : [])],
      ...(operation.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } } } }
        : {}),
      responses: responses(operation),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths: { ...paths, ...operationsPaths },
    components: {
      schemas: { Problem: problemSchema },
      headers: headerComponents,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
