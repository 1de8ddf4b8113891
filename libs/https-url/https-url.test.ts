import { describe, expect, it } from 'vitest';
import { isHttpsUrl, MAX_URL_LENGTH } from './https-url.ts';

const anyFragment = { fragment: true };

describe(isHttpsUrl.name, () => {
  it.each(['https://img.example/a.png', 'HTTPS://img.example/a.png?size=64', 'https://bücher.example/ü', 'https://x.example:8443/p#top'])('accepts %s', (url) => {
    expect(isHttpsUrl(url, anyFragment)).toBe(true);
  });

  it.each([
    ['plain http', 'http://img.example/a.png'],
    ['a relative URL', '/a.png'],
    ['no host', 'https:///a.png'],
    ['credentials', 'https://user:pw@img.example/'],
    ['a missing //, which the parser repairs', 'https:img.example/a.png'],
    ['backslashes, which the parser turns into slashes', 'https:\\\\img.example\\a.png'],
    ['surrounding spaces, which the parser strips', ' https://img.example/ '],
    ['a newline inside, which the parser drops', 'https://img.example/\n'],
    ['a tab inside', 'https://img.\texample/'],
    ['NUL, which Postgres refuses', 'https://img.example/\u0000'],
    ['a C1 control character', 'https://img.example/\u0085'],
    ['more than the maximum length', `https://img.example/${'a'.repeat(MAX_URL_LENGTH)}`],
    ['javascript:', 'javascript:alert(1)'],
  ])('refuses %s', (_case, url) => {
    expect(isHttpsUrl(url, anyFragment)).toBe(false);
  });

  it('refuses a fragment, even an empty one, where none is allowed', () => {
    expect(isHttpsUrl('https://idp.example/.well-known/openid-configuration', { fragment: false })).toBe(true);
    expect(isHttpsUrl('https://idp.example/x#a', { fragment: false })).toBe(false);
    expect(isHttpsUrl('https://idp.example/x#', { fragment: false })).toBe(false);
  });
});
