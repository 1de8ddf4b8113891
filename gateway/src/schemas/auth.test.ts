import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '../middleware/validation.ts';
import { displayNameField, loginBody, passwordField, registerBody, visibleTextField } from './auth.ts';
import { changePasswordBody, updateProfileBody } from './me.ts';
import { createOrganizationBody } from './organizations.ts';
import { revokeSessionsBody } from './sessions.ts';

/** The body's field errors, as the gateway answers them. */
function errorsOf(schema: typeof registerBody | typeof loginBody | typeof changePasswordBody | typeof updateProfileBody | typeof revokeSessionsBody, body: unknown) {
  const result = schema.safeParse(body);
  return result.success ? [] : toFieldErrors('body', result.error);
}

const emoji = (count: number) => '🔑'.repeat(count);
const sessionId = '0196b6c8-0000-7000-8000-000000000003';

describe('passwordField', () => {
  it('counts characters (code points) as auth does, not UTF-16 units', () => {
    expect(passwordField.safeParse(emoji(100)).success).toBe(true);
    expect(passwordField.safeParse(emoji(128)).success).toBe(true);
    expect(passwordField.safeParse('x'.repeat(128)).success).toBe(true);
  });

  it.each([
    ['129 emoji', emoji(129)],
    ['129 ASCII characters', 'x'.repeat(129)],
    ['a megabyte', 'x'.repeat(1_000_000)],
  ])('refuses %s with one clear message', (_case, password) => {
    const errors = errorsOf(loginBody, { email: 'a@example.com', password });
    expect(errors.map((error) => error.field)).toEqual(['password']);
    expect(errors[0]?.message).toContain('128');
  });

  it("takes a local part of at most 64 characters in a new account's email, any in a sign-in", () => {
    const email = (length: number) => `${'b'.repeat(length)}@example.com`;
    expect(errorsOf(registerBody, { email: email(64), password: 'x' })).toEqual([]);
    expect(errorsOf(registerBody, { email: email(65), password: 'x' })).toEqual([{ field: 'email', message: 'The part before @ must be at most 64 characters.' }]);
    expect(errorsOf(loginBody, { email: email(65), password: 'x' })).toEqual([]);
  });

  it('is the same rule in every body that takes a password', () => {
    const tooLong = emoji(129);
    expect(errorsOf(registerBody, { email: 'a@example.com', password: tooLong }).map((error) => error.field)).toEqual(['password']);
    expect(errorsOf(changePasswordBody, { current_password: tooLong, new_password: emoji(100) }).map((error) => error.field)).toEqual(['current_password']);
    expect(errorsOf(changePasswordBody, { current_password: emoji(100), new_password: tooLong }).map((error) => error.field)).toEqual(['new_password']);
    expect(errorsOf(revokeSessionsBody, { current_password: tooLong, all_others: true }).map((error) => error.field)).toEqual(['current_password']);
    expect(errorsOf(revokeSessionsBody, { current_password: emoji(100), session_ids: [sessionId] })).toEqual([]);
  });
});

describe(visibleTextField.name, () => {
  const unsafe = 'Must not contain control, format or bidirectional override characters.';
  const invisible = 'Must contain a visible character.';
  const messagesFor = (value: string) => {
    const result = displayNameField.safeParse(value);
    return result.success ? [] : result.error.issues.map((issue) => issue.message);
  };

  it.each([
    ['a zero-width space', '\u200B', unsafe],
    ['a name ending in a zero-width space', 'Ada\u200B', unsafe],
    ['direction marks only', '\u200E\u200F', unsafe],
    ['an Arabic letter mark', 'Ada\u061C', unsafe],
    ['a word joiner', 'A\u2060da', unsafe],
    ['a BOM inside the name', 'A\uFEFFda', unsafe],
    ['a soft hyphen', 'A\u00ADda', unsafe],
    ['a stray tag character', 'Ada\u{E0041}', unsafe],
    ['a right-to-left override', 'Ada\u202Egnp.exe', unsafe],
    ['a NUL', 'Ada\u0000', unsafe],
    ['only a zero-width joiner', '\u200D', invisible],
    ['only joiners and non-joiners', '\u200C\u200D\u200C', invisible],
    ['only combining marks', '\u0301\u0308', invisible],
    ['a Hangul filler', '\u3164', invisible],
    ['a blank Braille cell', '\u2800\u2800', invisible],
  ])('refuses %s with one message', (_case, name, message) => {
    expect(messagesFor(name)).toEqual([message]);
  });

  it.each([
    ['an emoji ZWJ sequence', '👩\u200D💻 Ada'],
    ['a Persian word with a ZWNJ', 'می\u200Cخواهم'],
    ['a Hindi name with a ZWJ', 'क्\u200Dष'],
    ['a subdivision flag (tag characters in their one place)', 'Ada 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}'],
    ['letters with combining marks', 'Zoe\u0308 A\u030Asa'],
    ['100 emoji', '🚀'.repeat(100)],
  ])('accepts %s', (_case, name) => {
    expect(displayNameField.parse(name)).toBe(name);
  });

  it('counts length in characters, with one message past it', () => {
    for (const name of ['🚀'.repeat(101), '\u200B'.repeat(150)]) {
      const messages = messagesFor(name);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain('100');
    }
  });

  it('strips a BOM at either end as whitespace, as trim does', () => {
    expect(displayNameField.parse('\uFEFFAda ')).toBe('Ada');
  });

  it('is the rule of every name people see: profile edits and organization names too', () => {
    expect(errorsOf(updateProfileBody, { display_name: '\u200E\u200F' })).toEqual([{ field: 'display_name', message: unsafe }]);
    expect(errorsOf(updateProfileBody, { display_name: 'می\u200Cخواهم' })).toEqual([]);
    expect(createOrganizationBody.safeParse({ name: 'Acme\u200B' }).success).toBe(false);
    expect(createOrganizationBody.safeParse({ name: '👩\u200D💻 Acme' }).success).toBe(true);
  });
});
