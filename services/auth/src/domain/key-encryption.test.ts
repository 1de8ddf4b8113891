import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyEncryption } from './key-encryption.ts';

describe(KeyEncryption.name, () => {
  const sut = new KeyEncryption(randomBytes(32).toString('base64'));

  it('round-trips and never stores plaintext', () => {
    const secret = randomBytes(48);
    const envelope = sut.encrypt(secret, 'kid-1');
    expect(envelope.startsWith('v1.')).toBe(true);
    expect(envelope).not.toContain(secret.toString('base64url'));
    expect(sut.decrypt(envelope, 'kid-1').equals(secret)).toBe(true);
  });

  it('refuses a ciphertext moved to another key id or decrypted with another key', () => {
    const envelope = sut.encrypt(Buffer.from('private'), 'kid-1');
    expect(() => sut.decrypt(envelope, 'kid-2')).toThrow();
    expect(() => new KeyEncryption(randomBytes(32).toString('base64')).decrypt(envelope, 'kid-1')).toThrow();
  });

  it('rejects a key of the wrong size', () => {
    expect(() => new KeyEncryption(randomBytes(16).toString('base64'))).toThrow();
  });
});
