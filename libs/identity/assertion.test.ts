import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '#libs/errors';
import { AssertionSigner } from './assertion.ts';

const secret = 'a'.repeat(32);

describe(AssertionSigner.name, () => {
  const sut = new AssertionSigner(secret);

  it('round-trips a principal', async () => {
    const principal = { kind: 'user', userId: 'u1', sessionId: 's1', tokenType: 'access' } as const;
    await expect(sut.verify(await sut.sign(principal, 'gateway'))).resolves.toEqual(principal);
  });

  it('refuses an assertion signed with another secret', async () => {
    const forged = await new AssertionSigner('b'.repeat(32)).sign({ kind: 'service', service: 'x' }, 'evil');
    await expect(sut.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a missing, garbage, expired or unsigned assertion', async () => {
    await expect(sut.verify(undefined)).rejects.toBeInstanceOf(AppError);
    await expect(sut.verify('not.a.jwt')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const expired = await new SignJWT({ principal: { kind: 'anonymous' } })
      .setProtectedHeader({ alg: 'HS256', typ: 'egp-assertion+jwt' })
      .setIssuer('egp-internal')
      .setAudience('egp-services')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(new TextEncoder().encode(secret));
    await expect(sut.verify(expired)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'egp-assertion+jwt' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ principal: { kind: 'service', service: 'x' } })).toString('base64url');
    await expect(sut.verify(`${header}.${body}.`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe(`${AssertionSigner.name} (tampering)`, () => {
  const sut = new AssertionSigner(secret);

  it('refuses a payload changed after signing, a changed header and trailing parts', async () => {
    const token = await sut.sign({ kind: 'anonymous' }, 'gateway');
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ principal: { kind: 'service', service: 'org' }, src: 'x', iss: 'egp-internal', aud: 'egp-services', iat: 0, exp: 9e9 })).toString('base64url');
    await expect(sut.verify(`${header}.${forgedPayload}.${signature}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const otherHeader = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'egp-assertion+jwt' })).toString('base64url');
    await expect(sut.verify(`${otherHeader}.${token.split('.')[1]}.${signature}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(sut.verify(`${token}.extra`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('signs once per principal object and caller while the assertion is fresh', async () => {
    const principal = { kind: 'anonymous' } as const;
    expect(await sut.sign(principal, 'gateway')).toBe(await sut.sign(principal, 'gateway'));
    await expect(sut.verify(await sut.sign(principal, 'profile-data'))).resolves.toEqual(principal);
  });
});

describe(`${AssertionSigner.name} (verified assertions remembered)`, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers a repeated assertion with the same frozen principal', async () => {
    const sut = new AssertionSigner(secret);
    const token = await new AssertionSigner(secret).sign({ kind: 'user', userId: 'u1', sessionId: 's1', tokenType: 'access', scopes: ['read'] }, 'gateway');
    const first = await sut.verify(token);
    expect(await sut.verify(token)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.kind === 'user' && Object.isFrozen(first.scopes)).toBe(true);
  });

  it('stops accepting a remembered assertion once it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const sut = new AssertionSigner(secret, 60);
    const token = await sut.sign({ kind: 'service', service: 'org' }, 'org');
    await expect(sut.verify(token)).resolves.toEqual({ kind: 'service', service: 'org' });
    vi.setSystemTime(Date.now() + 70_000);
    await expect(sut.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(sut.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('still refuses a tampered copy of a remembered assertion', async () => {
    const sut = new AssertionSigner(secret);
    const token = await sut.sign({ kind: 'anonymous' }, 'gateway');
    await sut.verify(token);
    const [header, payload, signature] = token.split('.');
    const otherPrincipal = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), principal: { kind: 'service', service: 'org' } })).toString('base64url');
    await expect(sut.verify(`${header}.${otherPrincipal}.${signature}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
