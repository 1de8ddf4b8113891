import { describe, expect, it } from 'vitest';
import { commonPasswordCount } from './common-passwords.ts';
import { assertPasswordAcceptable, normalizeEmail } from './password-rules.ts';

describe(assertPasswordAcceptable.name, () => {
  it('accepts 8 to 128 characters, counting code points', () => {
    expect(() => assertPasswordAcceptable('x7#kq!m2', 8)).not.toThrow();
    expect(() => assertPasswordAcceptable('ab'.repeat(64), 8)).not.toThrow();
    expect(() => assertPasswordAcceptable('🔑'.repeat(64), 8)).not.toThrow();
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

describe('common password list', () => {
  it('ships at least 10,000 entries', () => {
    expect(commonPasswordCount).toBeGreaterThanOrEqual(10_000);
  });
});

describe(normalizeEmail.name, () => {
  it('trims and lower-cases the key but keeps the typed form', () => {
    expect(normalizeEmail('  Alice@Example.COM ')).toEqual({ email: 'Alice@Example.COM', normalized: 'alice@example.com' });
  });
});
