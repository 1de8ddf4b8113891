import { describe, expect, it } from 'vitest';
import { SessionFactory } from './sessions.ts';

const HOUR_MS = 3_600_000;

describe(SessionFactory.name, () => {
  const sut = new SessionFactory({ refreshTokenTtlSeconds: 24 * 3600, maxLifetimeSeconds: 72 * 3600 });
  const signedIn = new Date('2026-11-01T00:00:00Z');

  it('extends a session used now by a refresh token lifetime', () => {
    const now = new Date(signedIn.getTime() + 10 * HOUR_MS);
    expect(sut.expiryAfterUse({ createdAt: signedIn }, now)).toEqual(new Date(now.getTime() + 24 * HOUR_MS));
  });

  it('never past the maximum lifetime from sign-in, however recently it was used', () => {
    const now = new Date(signedIn.getTime() + 60 * HOUR_MS);
    expect(sut.expiryAfterUse({ createdAt: signedIn }, now)).toEqual(new Date(signedIn.getTime() + 72 * HOUR_MS));
    const later = new Date(signedIn.getTime() + 80 * HOUR_MS);
    expect(sut.expiryAfterUse({ createdAt: signedIn }, later).getTime()).toBeLessThan(later.getTime());
  });
});
