import { describe, expect, it } from 'vitest';
import { findDuplicateMember } from './duplicate-members.ts';

const sut = (text: string) => findDuplicateMember(Buffer.from(text));

describe(findDuplicateMember.name, () => {
  it.each([
    ['{"role":"MEMBER","role":"OWNER"}', 'role'],
    ['{ "a" : 1 ,\n\t"a"\r\n: 2 }', 'a'],
    ['{"outer":{"x":1,"y":{"z":[{"k":1,"k":2}]}}}', 'k'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"zoë":1,"zo\\u00eb":2}', 'zoë'],
    ['{"a\\"b":1,"a\\"b":2}', 'a"b'],
  ])('finds the name given twice in %s', (text, name) => {
    expect(sut(text)).toBe(name);
  });

  it.each([
    '{"a":1,"b":2}',
    '{"a":{"a":{"a":1}}}',
    '[{"a":1},{"a":2}]',
    '{"list":["a","a"],"a":"a"}',
    '{"a":"\\"a\\":","b":"a"}',
    '{"A":1,"a":2}',
    '{"a\\\\":1,"a":2}',
    '{}',
    '"text"',
  ])('finds nothing in %s', (text) => {
    expect(sut(text)).toBeUndefined();
  });
});
