import { describe, expect, it } from 'vitest';
import { commonPasswordCount, isCommonPassword } from './common-passwords.ts';
import { assertPasswordAcceptable, normalizeEmail } from './password-rules.ts';

describe(assertPasswordAcceptable.name, () => {
  it('accepts 8 to 128 characters, counting code points', () => {
    expect(() => assertPasswordAcceptable('x7#kq!m2', 8)).not.toThrow();
    // No repeats or runs: those are refused as common (below).
    expect(() => assertPasswordAcceptable(Array.from({ length: 128 }, (_, i) => String.fromCharCode(33 + ((i * 7) % 90))).join(''), 8)).not.toThrow();
    expect(() => assertPasswordAcceptable(Array.from({ length: 64 }, (_, i) => String.fromCodePoint(0x1f600 + ((i * 5) % 64))).join(''), 8)).not.toThrow();
  });

  it('rejects common passwords whatever their case', () => {
    expect(() => assertPasswordAcceptable('password123', 8)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => assertPasswordAcceptable('PassWord123', 8)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => assertPasswordAcceptable('qwertyuiop', 8)).toThrow();
    expect(() => assertPasswordAcceptable('violet-anvil-73-harbor', 8)).not.toThrow();
  });

  it('rejects too short and too long with a field error', () => {
    expect(() => assertPasswordAcceptable('a'.repeat(7), 8)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => assertPasswordAcceptable('a'.repeat(129), 8)).toThrow(expect.objectContaining({ fields: [expect.objectContaining({ field: 'password' })] }));
  });
});

describe(isCommonPassword.name, () => {
  it('ships at least 10,000 entries', () => {
    expect(commonPasswordCount).toBeGreaterThanOrEqual(10_000);
  });

  it.each(['87654321', '00000000', '12341234', '1qaz1qaz', 'poiuytrewq', 'asdasdasd'])(
    'refuses %s, which only the SecLists ranking has',
    (password) => expect(isCommonPassword(password)).toBe(true),
  );

  it.each([
    ['one character again and again', 'xxxxxxxxxx'],
    ['eight spaces', ' '.repeat(8)],
    ['a short unit repeated', 'q7#zq7#zq7#z'],
    ['a common word said twice', 'DragonDragon'],
    ['an ascending run', 'fghijklmnop'],
    ['a descending run', 'zyxwvuts'],
    ['a run of digits', '23456789'],
    ['a common word with digits and a symbol', 'Password123!'],
    ['a common word with a year', 'summer2020'],
  ])('refuses %s', (_case, password) => expect(isCommonPassword(password)).toBe(true));

  it.each([
    ['a strong password said twice', 'Tq7-zzkqTq7-zzkq'],
    ['a run that breaks', 'abcdefgz'],
    ['a passphrase', 'violet-anvil-73-harbor'],
    ['a common word with more than four digits after it', 'dragon738291'],
  ])('accepts %s', (_case, password) => expect(isCommonPassword(password)).toBe(false));
});

describe(normalizeEmail.name, () => {
  it('trims and lower-cases the key but keeps the typed form', () => {
    expect(normalizeEmail('  Alice@Example.COM ')).toEqual({ email: 'Alice@Example.COM', normalized: 'alice@example.com' });
  });
});
