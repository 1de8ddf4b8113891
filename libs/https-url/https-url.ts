/** The longest URL accepted anywhere: every browser, proxy and database column copes with it. */
export const MAX_URL_LENGTH = 2048;

/**
 * What the WHATWG parser forgives and rewrites: control characters and spaces (stripped at the
 * ends, dropped or encoded inside; NUL is also refused by Postgres) and backslashes (read as
 * slashes in https URLs).
 */
const REWRITTEN_CHARACTER = /[\p{Cc} \\]/u;

export interface HttpsUrlRules {
  /** Whether a `#fragment` may follow (an avatar may; a discovery URL never has one). */
  fragment: boolean;
}

/**
 * An absolute https URL with a host and no credentials, written exactly as it will be stored
 * and shown. Parsing alone is not enough: `new URL` accepts " https://x.com/ ", a newline
 * inside, `https:x.com` and `https:\\x.com`, so a string checked that way is not the URL that
 * passed the check (nor is `https:///x`, which the parser reads as host `x`).
 */
export function isHttpsUrl(value: string, rules: HttpsUrlRules): boolean {
  if (value.length > MAX_URL_LENGTH || REWRITTEN_CHARACTER.test(value) || !/^https:\/\/[^/]/i.test(value)) return false;
  if (!rules.fragment && value.includes('#')) return false;
  const url = URL.parse(value);
  return url !== null && url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
}
