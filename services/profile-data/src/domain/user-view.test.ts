import { describe, expect, it } from 'vitest';
import { lastChange, toUserView, type UserViewRow } from './user-view.ts';

const at = (iso: string) => new Date(iso);

describe(lastChange.name, () => {
  const account = at('2026-01-02T00:00:00.000Z');

  it("is the account's change while the profile was never edited, even when the profile's times trail it", () => {
    const sut = lastChange(account, { createdAt: at('2026-01-03T00:00:00.000Z'), updatedAt: at('2026-01-03T00:00:00.000Z') });
    expect(sut).toEqual(account);
  });

  it('is the profile edit when it is the later change', () => {
    expect(lastChange(account, { createdAt: at('2026-01-01T00:00:00.000Z'), updatedAt: at('2026-02-01T00:00:00.000Z') })).toEqual(at('2026-02-01T00:00:00.000Z'));
  });

  it('is the account change when the account changed after the edit (a new password, a linked wallet)', () => {
    const later = at('2026-03-01T00:00:00.000Z');
    expect(lastChange(later, { createdAt: at('2026-01-01T00:00:00.000Z'), updatedAt: at('2026-02-01T00:00:00.000Z') })).toEqual(later);
  });
});

describe(toUserView.name, () => {
  const row: UserViewRow = {
    user_id: '0196b6c8-0000-7000-8000-000000000001',
    email: 'ada@example.com',
    display_name: 'Ada',
    avatar_url: null,
    wallets: [{ address: '0xabc', chain_id: 1 }],
    // As the driver hands them back: text, in Postgres's format.
    created_at: '2026-01-01 00:00:00.004+00',
    updated_at: '2026-01-01 00:00:00.004+00',
    account_created_at: '2026-01-01 00:00:00.001+00',
    account_updated_at: '2026-01-01 00:00:00.001+00',
  };

  it('shows the account times and the profile, wallets in link order', () => {
    expect(toUserView(row)).toEqual({
      userId: row.user_id,
      email: 'ada@example.com',
      displayName: 'Ada',
      avatarUrl: null,
      wallets: [{ address: '0xabc', chainId: 1 }],
      createdAt: at('2026-01-01T00:00:00.001Z'),
      updatedAt: at('2026-01-01T00:00:00.001Z'),
    });
  });

  it('has no view of a row without the account fields (written before the projection): it needs repair', () => {
    expect(toUserView({ ...row, email: null, account_created_at: null, account_updated_at: null, wallets: [] })).toBeUndefined();
  });
});
