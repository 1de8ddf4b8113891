import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * `next` is published before it signs anything, so verifiers already hold it when a rotation
 * promotes it to `current`; `previous` stays published so tokens it signed keep verifying.
 */
export type SigningKeyStatus = 'next' | 'current' | 'previous' | 'retired';

export const SigningKeySchema = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    kid: p.text().primary(),
    algorithm: p.text(),
    publicJwk: p.json<Record<string, string>>(),
    /** AES-256-GCM envelope of the PKCS#8 private key (see KeyEncryption). */
    privateKeyEncrypted: p.text(),
    status: p.text().$type<SigningKeyStatus>(),
    createdAt: p.datetime(),
    rotatedAt: p.datetime().nullable(),
  },
});

export type SigningKey = InferEntity<typeof SigningKeySchema>;
