import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The 49k most common passwords from zxcvbn-ts's maintained list (sourced from public
 * breach corpora). Compared case-insensitively: "Password123" is as guessable as "password123".
 */
const commonPasswords = new Set((dictionary['passwords-common']).map((password) => password.toLowerCase()));

export function isCommonPassword(password: string): boolean {
  return commonPasswords.has(password.toLowerCase());
}

export const commonPasswordCount = commonPasswords.size;
