import { describe, expect, it, vi } from 'vitest';
import { PasswordHasher } from './password-hasher.ts';

const owaspMinimum = { memoryKib: 19_456, timeCost: 2, parallelism: 1 };

describe(PasswordHasher.name, () => {
  const sut = new PasswordHasher(owaspMinimum, { concurrency: 2, niceness: 10 });

  it('hashes with argon2id at the configured parameters and verifies', async () => {
    const hash = await sut.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(sut.verify(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(sut.verify(hash, 'Correct horse battery staple')).resolves.toBe(false);
    expect(sut.needsRehash(hash)).toBe(false);
  });

  it('flags hashes made with other parameters for re-hashing', async () => {
    const older = await new PasswordHasher({ ...owaspMinimum, memoryKib: 8192, timeCost: 1 }, { concurrency: 1, niceness: 0 }).hash('pw-older-params');
    expect(sut.needsRehash(older)).toBe(true);
    await expect(sut.verify(older, 'pw-older-params')).resolves.toBe(true);
    expect(sut.needsRehash('$2b$10$bcrypt-hash')).toBe(true);
  });

  it('checks unknown accounts against a hash made by prepare(), so the first costs one verify like the rest', async () => {
    const fresh = new PasswordHasher(owaspMinimum, { concurrency: 1, niceness: 0 });
    try {
      await fresh.prepare();
      const hash = vi.spyOn(fresh, 'hash');
      const verify = vi.spyOn(fresh, 'verify');
      await expect(fresh.verifyAgainstDummy('anything')).resolves.toBe(false);
      expect(hash).not.toHaveBeenCalled();
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      await fresh.close();
    }
  });

  it('answers false (not an error) for a malformed stored hash', async () => {
    await expect(sut.verify('not-a-hash', 'x')).resolves.toBe(false);
    await expect(sut.verifyAgainstDummy('anything')).resolves.toBe(false);
  });
});
