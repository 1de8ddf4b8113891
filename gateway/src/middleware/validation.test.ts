import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toFieldErrors, writableBody } from './validation.ts';

describe(writableBody.name, () => {
  const sut = writableBody({ name: z.string().min(1), nested: z.strictObject({ count: z.number().int() }).optional() });

  it('ignores the read-only echo fields', () => {
    const input = { id: 'x', organization_id: 'o', created_at: 't', updated_at: 't', name: 'A' };
    expect(sut.parse(input)).toEqual({ name: 'A' });
  });

  it('rejects any other unknown field, one error per field, as a dotted path', () => {
    const result = sut.safeParse({ name: 'A', role: 'OWNER', nested: { count: 1.5, extra: true } });
    expect(result.success).toBe(false);
    const errors = toFieldErrors('body', result.error!);
    expect(errors).toContainEqual({ field: 'role', message: 'Unknown field.' });
    expect(errors).toContainEqual({ field: 'nested.extra', message: 'Unknown field.' });
    expect(errors.map((error) => error.field)).toContain('nested.count');
  });
});

describe(toFieldErrors.name, () => {
  it('names the part of the request when the whole part is wrong', () => {
    const result = z.object({ a: z.string() }).safeParse(undefined);
    expect(toFieldErrors('body', result.error!).map((error) => error.field)).toEqual(['body']);
  });
});
