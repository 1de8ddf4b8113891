import { describe, expect, it } from 'vitest';
import { assertNotContextual, type PasswordContext } from './context-words.ts';

const context: PasswordContext = { serviceWords: ['egp', 'egp accounts'], email: 'Ada.Lovelace@example.com', displayName: 'Countess Ada' };
const refused = (password: string, given = context) => {
  try {
    assertNotContextual(password, given, 'password');
    return false;
  } catch {
    return true;
  }
};

describe(assertNotContextual.name, () => {
  it.each([
    ['the email', 'ada.lovelace@example.com'],
    ['the local part with a year', 'AdaLovelace1815!'],
    ['the local part inside a phrase', 'my ada-lovelace password'],
    ['the display name', 'countess ada 42'],
    ["the service's name and digits", 'Egp20242024'],
    ["the service's two-word name", 'EGP-Accounts!1'],
  ])('refuses %s (%s)', (_case, password) => {
    expect(refused(password)).toBe(true);
  });

  it.each([
    ['an unrelated phrase', 'violet-anvil-73-harbor'],
    ["a short service word inside a longer password", 'legpress-tortoise-99'],
    ['a short local part inside a longer password', 'alpine meadow lantern'],
  ])('accepts %s (%s)', (_case, password) => {
    expect(refused(password, { ...context, email: 'al@example.com', displayName: undefined })).toBe(false);
  });

  it('says which field, and why, without echoing the password', () => {
    expect(() => assertNotContextual('adalovelace1815', context, 'new_password')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', fields: [{ field: 'new_password', message: "must not be built from your email, your name or the service's name" }] }),
    );
  });
});
