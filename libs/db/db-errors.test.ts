import { ConnectionException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { isConnectionError, translateDbError } from './db-errors.ts';

const withCode = (code: string) => Object.assign(new Error('x'), { code });

describe(isConnectionError.name, () => {
  it.each([
    ['SQLSTATE class 08', withCode('08006')],
    ['admin shutdown', withCode('57P01')],
    ['crash shutdown', withCode('57P02')],
    ['cannot connect now', withCode('57P03')],
    ['too many connections', withCode('53300')],
    ['a deadlock broken by aborting this transaction', withCode('40P01')],
    ['a serialization failure', withCode('40001')],
    ['refused socket', withCode('ECONNREFUSED')],
    ['reset socket', withCode('ECONNRESET')],
    ['a host name that does not resolve (a DNS outage, a service not yet up)', withCode('ENOTFOUND')],
    ['a temporary DNS failure', withCode('EAI_AGAIN')],
    ['an unreachable host', withCode('EHOSTUNREACH')],
    ['an unreachable network', withCode('ENETUNREACH')],
    ['MikroORM wrapper', new ConnectionException(new Error('boom'))],
    ['dropped connection', new Error('Connection terminated unexpectedly')],
    ['a database closed to connections', Object.assign(new Error('database "egp" is not currently accepting connections'), { code: '55000' })],
    ['wrapped in a cause', new Error('query failed', { cause: withCode('EPIPE') })],
  ])('recognises %s', (_label, error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  it('does not take a query error for an outage', () => {
    expect(isConnectionError(withCode('23505'))).toBe(false);
    // A protocol violation (a NUL in a text parameter) fails again on every retry.
    expect(isConnectionError(withCode('08P01'))).toBe(false);
    expect(isConnectionError(new Error('syntax error'))).toBe(false);
  });
});

describe(translateDbError.name, () => {
  it('turns a lost connection into UNAVAILABLE and leaves other AppErrors alone', () => {
    expect(translateDbError(new Error('Connection terminated unexpectedly'))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(translateDbError(withCode('57P01'))).toMatchObject({ code: 'UNAVAILABLE', message: 'The database is unavailable; try again shortly.' });
    const notFound = AppError.notFound('User');
    expect(translateDbError(notFound)).toBe(notFound);
  });

  it.each([['a deadlock', '40P01'], ['a serialization failure', '40001']])('tells %s from an outage: retryable, with what happened', (_case, code) => {
    const wrapped = new Error('query failed', { cause: withCode(code) });
    expect(translateDbError(wrapped)).toMatchObject({ code: 'UNAVAILABLE', message: 'A concurrent change to the same data got in the way; try again.' });
  });
});
