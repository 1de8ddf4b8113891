import { describe, expect, it } from 'vitest';
import { AppError, errorCodes } from '#libs/errors';
import { httpStatusByCode, MAX_FIELD_ERRORS, problemType, toProblem } from './problem.ts';

describe(toProblem.name, () => {
  it('maps an AppError to its status, stable type URI, detail and field errors', () => {
    const error = AppError.validation('The request is invalid.', [{ field: 'email', message: 'Invalid email.' }]);
    expect(toProblem(error, 'req-1')).toEqual({
      type: 'https://egp.dev/problems/validation-failed',
      title: 'Validation failed',
      status: 400,
      detail: 'The request is invalid.',
      code: 'VALIDATION_FAILED',
      request_id: 'req-1',
      errors: [{ field: 'email', message: 'Invalid email.' }],
    });
  });

  it('lists no more than the first MAX_FIELD_ERRORS field errors, however many there are', () => {
    const fields = Array.from({ length: 50_000 }, (_, index) => ({ field: `k${index}`, message: 'Unknown field.' }));
    const problem = toProblem(AppError.validation('The request is invalid.', fields), 'req-9');
    expect(problem.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(problem.errors?.[0]).toEqual({ field: 'k0', message: 'Unknown field.' });
  });

  it('turns an unknown error into a bare 500 with none of its internals', () => {
    const problem = toProblem(new Error('connect ECONNREFUSED db.internal:5432 password=hunter2'), 'req-2');
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL', detail: 'An internal error occurred.' });
    expect(JSON.stringify(problem)).not.toMatch(/hunter2|db\.internal|ECONNREFUSED/);
  });

  it('never shows the message of an INTERNAL AppError', () => {
    const problem = toProblem(new AppError('INTERNAL', 'stack: at Foo (/srv/app.ts:1)'), 'req-3');
    expect(problem.detail).toBe('An internal error occurred.');
  });

  it.each([
    ['UNAUTHENTICATED', 401],
    ['TWO_FACTOR_REQUIRED', 403],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['PAYLOAD_TOO_LARGE', 413],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['IDEMPOTENCY_KEY_REUSED', 422],
    ['RATE_LIMITED', 429],
    ['UNAVAILABLE', 503],
  ] as const)('answers %s with %i', (code, status) => {
    expect(toProblem(new AppError(code, 'x'), 'r').status).toBe(status);
  });

  it('has a status and a kebab-case type for every code in the catalog', () => {
    for (const code of errorCodes) {
      expect(httpStatusByCode[code]).toBeGreaterThanOrEqual(400);
      expect(problemType(code)).toMatch(/^https:\/\/egp\.dev\/problems\/[a-z-]+$/);
    }
  });
});
