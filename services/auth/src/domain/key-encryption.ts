import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM envelope for private key material at rest: `v1.<iv>.<tag>.<ciphertext>`
 * (base64url parts). The key id is bound as additional data so ciphertexts can't be swapped.
 */
export class KeyEncryption {
  readonly #key: Buffer;

  constructor(base64Key: string) {
    this.#key = Buffer.from(base64Key, 'base64');
    if (this.#key.length !== 32) throw new Error('Key encryption key must be 32 bytes.');
  }

  encrypt(plaintext: Buffer, keyId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(keyId));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  decrypt(envelope: string, keyId: string): Buffer {
    const [version, iv, tag, ciphertext] = envelope.split('.');
    if (version !== VERSION || !iv || !tag || !ciphertext) throw new Error('Unrecognised key envelope.');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  }
}
