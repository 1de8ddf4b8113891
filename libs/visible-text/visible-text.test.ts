import { describe, expect, it } from 'vitest';
import { visibleTextProblem } from './visible-text.ts';

describe(visibleTextProblem.name, () => {
  it.each([
    ['a plain name', 'Ada Lovelace'],
    ['an emoji ZWJ sequence', '👩‍💻 Ada'],
    ['Persian with ZWNJ', 'می‌خواهم'],
    ['Devanagari with ZWJ', 'क्‍ष'],
    ['a subdivision flag (tag characters)', 'Ada 🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
    ['digits only', '1337'],
  ])('accepts %s', (_label, text) => {
    expect(visibleTextProblem(text)).toBeUndefined();
  });

  it.each([
    ['NUL', 'Ada\u0000'],
    ['a bidi override', '\u202Egnp.exe'],
    ['a bidi isolate', 'Ada\u2066'],
    ['a zero-width space inside', 'Ada\u200B'],
    ['only a zero-width space', '\u200B'],
    ['direction marks', '\u200E\u200F'],
    ['the Arabic letter mark', 'Ada\u061C'],
    ['a word joiner', 'A\u2060da'],
    ['a BOM', '\uFEFFAda'],
    ['a soft hyphen', 'Ad\u00ADa'],
    ['a stray tag character', 'Ada\u{E0041}'],
  ])('refuses %s as unsafe', (_label, text) => {
    expect(visibleTextProblem(text)).toBe('unsafe');
  });

  it.each([
    ['only spaces', '   '],
    ['only ZWJ and ZWNJ', '\u200D\u200C'],
    ['only combining marks', '\u0301\u0308'],
    ['the Hangul filler', '\u3164'],
    ['a blank Braille cell', '\u2800\u2800'],
  ])('refuses %s as invisible', (_label, text) => {
    expect(visibleTextProblem(text)).toBe('invisible');
  });
});
