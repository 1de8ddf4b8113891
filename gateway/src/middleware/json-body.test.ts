import { describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { toAppError } from './json-body.ts';

describe(toAppError.name, () => {
  it.each([
    [{ type: 'stream.encoding.set', status: 500 }, 'INTERNAL'],
    [{ type: 'something.new', status: 400 }, 'VALIDATION_FAILED'],
    [{ type: 'something.new', statusCode: 413 }, 'PAYLOAD_TOO_LARGE'],
    [{ type: 'something.new', status: 415 }, 'UNSUPPORTED_MEDIA_TYPE'],
    [{ type: 'something.new', status: 422 }, 'VALIDATION_FAILED'],
    [{ type: 'encoding.unsupported', status: 415 }, 'UNSUPPORTED_MEDIA_TYPE'],
    [{}, 'INTERNAL'],
  ])('keeps a parser error with a 4xx status the client\'s problem: %o → %s', (error, code) => {
    const sut = toAppError(error, 1024);
    expect(sut).toBeInstanceOf(AppError);
    expect(sut.code).toBe(code);
  });

  it.each([
    ['entity.parse.failed', 'The body is not valid JSON.'],
    ['entity.verify.failed', 'The body is not valid UTF-8.'],
    ['request.aborted', 'The body was incomplete.'],
  ])('lists a problem with the whole body (%s) under errors, as "(body)"', (type, detail) => {
    expect(toAppError({ type, status: 400 }, 1024)).toMatchObject({ code: 'VALIDATION_FAILED', message: detail, fields: [{ field: '(body)', message: detail }] });
  });
});
