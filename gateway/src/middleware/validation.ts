import { z } from 'zod';
import type { FieldError } from '#libs/errors';

/**
 * Fields the API echoes back on resources. A client that sends an object it read earlier
 * back in a write may include them; they are dropped, never applied (API.md, "Unknown body
 * fields"). Any other unknown field is a 400.
 */
export const readOnlyEchoFields = ['id', 'organization_id', 'created_at', 'updated_at'] as const;

function withoutReadOnlyFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  for (const field of readOnlyEchoFields) delete copy[field];
  return copy;
}

/** The object schemas inside `writableBody`s, for the OpenAPI document to list the echo fields. */
const echoTolerantObjects = new WeakSet<object>();

export function acceptsReadOnlyEcho(schema: object): boolean {
  return echoTolerantObjects.has(schema);
}

/** A request body: read-only echo fields are ignored, every other unknown field rejected. */
export function writableBody<Shape extends z.ZodRawShape>(shape: Shape) {
  const object = z.strictObject(shape);
  echoTolerantObjects.add(object);
  return z.preprocess(withoutReadOnlyFields, object);
}

function dotted(prefix: readonly PropertyKey[], path: readonly PropertyKey[]): string {
  return [...prefix, ...path].map(String).join('.');
}

/**
 * zod issues as `{field, message}`, field a dotted path inside its part of the request
 * (`email`, `wallets.0.address`). Unknown keys get one entry each. Problems with the part
 * as a whole (a missing body) are reported under the part's name.
 */
export function toFieldErrors(part: 'body' | 'query' | 'params', error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: dotted(issue.path, [key]), message: 'Unknown field.' }));
    }
    const field = issue.path.length === 0 ? part : dotted([], issue.path);
    return [{ field, message: issue.message }];
  });
}
