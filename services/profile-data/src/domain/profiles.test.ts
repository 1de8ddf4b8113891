import { describe, expect, it } from 'vitest';
import { assertValidChanges } from './profiles.ts';

/** What `assertValidChanges` throws for the name, if anything. */
function refusalOf(displayName: string): unknown {
  try {
    assertValidChanges({ displayName });
    return undefined;
  } catch (error) {
    return error;
  }
}
const refusedWith = (message: string) => ({ code: 'VALIDATION_FAILED', fields: [{ field: 'display_name', message }] });

describe(assertValidChanges.name, () => {
  it.each([
    'a\u0000b',
    'line\nbreak',
    'evil\u202Egnp.exe',
    'iso\u2066late\u2069',
    '\u200B',
    'Ada\u200B',
    '\u200E\u200F',
    'Ada\u061C',
    'A\u2060da',
    'A\uFEFFda',
    'Ada\u{E0041}',
  ])('rejects the display name %j: control, format or bidi characters', (displayName) => {
    expect(refusalOf(displayName)).toMatchObject(refusedWith('must not contain control, format or bidirectional override characters'));
  });

  it.each(['\u200D', '\u200C\u200D', '\u0301\u0308', '\u3164', '\u2800'])('rejects the display name %j: nothing in it shows', (displayName) => {
    expect(refusalOf(displayName)).toMatchObject(refusedWith('must contain a visible character'));
  });

  it.each([
    ['an ordinary name, also with non-Latin letters and emoji', 'Zoë 李 🚀'],
    ['an emoji ZWJ sequence', '👩\u200D💻 Ada'],
    ['a Persian name with a ZWNJ', 'می\u200Cخواهم'],
    ['a subdivision flag', 'Ada 🏴\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}'],
    ['100 emoji (200 UTF-16 units)', '🚀'.repeat(100)],
  ])('accepts %s', (_case, displayName) => {
    expect(() => assertValidChanges({ displayName })).not.toThrow();
  });

  it('checks the length first, in characters', () => {
    expect(refusalOf('🚀'.repeat(101))).toMatchObject(refusedWith('must be 1 to 100 characters'));
    expect(refusalOf('   ')).toMatchObject(refusedWith('must be 1 to 100 characters'));
  });
});
