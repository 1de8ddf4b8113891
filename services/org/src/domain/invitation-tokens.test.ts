import { describe, expect, it } from 'vitest';
import { acceptUrlFor, hashInvitationToken, invitationStatus, looksLikeInvitationToken, newInvitationToken } from './invitation-tokens.ts';

describe(newInvitationToken.name, () => {
  it('makes distinct, recognisable 256-bit tokens whose hash is SHA-256 hex', () => {
    const sut = newInvitationToken();
    expect(looksLikeInvitationToken(sut)).toBe(true);
    expect(sut).not.toBe(newInvitationToken());
    expect(hashInvitationToken(sut)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe(invitationStatus.name, () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('computes EXPIRED for pending invitations past their expiry only', () => {
    expect(invitationStatus({ status: 'PENDING', expiresAt: new Date('2025-12-31T23:59:59Z') }, now)).toBe('EXPIRED');
    expect(invitationStatus({ status: 'PENDING', expiresAt: new Date('2026-01-02T00:00:00Z') }, now)).toBe('PENDING');
    expect(invitationStatus({ status: 'ACCEPTED', expiresAt: new Date('2025-01-01T00:00:00Z') }, now)).toBe('ACCEPTED');
  });
});

describe(acceptUrlFor.name, () => {
  it('puts the token in the fragment', () => {
    expect(acceptUrlFor('https://accounts.example.com/invitations/accept', 'egp_inv_x')).toBe('https://accounts.example.com/invitations/accept#token=egp_inv_x');
  });
});
