import { describe, expect, it } from 'vitest';
import type { PasswordHasher } from './hashing/password-hasher.ts';
import { LoginThrottle } from './login-throttle.ts';
import { recheckPassword } from './password-recheck.ts';
import type { SecurityLog } from './security-log.ts';

describe(recheckPassword.name, () => {
  function deps(verify: PasswordHasher['verify']) {
    const calls: string[] = [];
    const throttle = {
      attempt: async (key: string) => void calls.push(`attempt ${key}`),
      released: async (key: string) => void calls.push(`released ${key}`),
      succeeded: async (key: string) => void calls.push(`succeeded ${key}`),
    } as unknown as LoginThrottle;
    // The real give-back rule, over the recording fake above.
    throttle.checkOrRelease = LoginThrottle.prototype.checkOrRelease.bind(throttle);
    const audit = { refused: () => undefined, failed: () => undefined } as unknown as SecurityLog;
    return { calls, deps: { hasher: { verify } as unknown as PasswordHasher, throttle, audit } };
  }
  const check = {
    user: { id: 'u-1', emailNormalized: 'ada@example.com', passwordHash: '$argon2id$stub' },
    password: 'violet-anvil-73-harbor',
    ip: '192.0.2.1',
    events: { refused: 'password.change_refused', failed: 'password.change_failed' },
    who: { user_id: 'u-1' },
  } as const;

  it("counts under the sign-in's key (the normalized email) and clears it for the right password", async () => {
    const sut = deps(async () => true);
    await recheckPassword(sut.deps, check);
    expect(sut.calls).toEqual(['attempt ada@example.com', 'succeeded ada@example.com']);
  });

  it('gives the attempt back when the hashing fails, and passes the failure on', async () => {
    const sut = deps(async () => Promise.reject(new Error('hash worker gone')));
    await expect(recheckPassword(sut.deps, check)).rejects.toThrow('hash worker gone');
    expect(sut.calls).toEqual(['attempt ada@example.com', 'released ada@example.com']);
  });

  it('keeps a wrong password counted', async () => {
    const sut = deps(async () => false);
    await expect(recheckPassword(sut.deps, check)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(sut.calls).toEqual(['attempt ada@example.com']);
  });
});
