import { AppError } from '#libs/errors';
import { isCommonPassword } from './common-passwords.ts';

export const PASSWORD_MAX_LENGTH = 128;

/**
 * Rules checked before any hashing: length (in Unicode code points) and the common-password
 * list. Passwords are never trimmed, truncated or case-folded.
 */
export function assertPasswordAcceptable(password: string, minLength: number, field = 'password'): void {
  const length = [...password].length;
  if (length > PASSWORD_MAX_LENGTH) {
    throw AppError.validation('Password is too long.', [{ field, message: `must be at most ${PASSWORD_MAX_LENGTH} characters` }]);
  }
  if (length < minLength) {
    throw AppError.validation('Password is too short.', [{ field, message: `must be at least ${minLength} characters` }]);
  }
  if (isCommonPassword(password)) {
    throw AppError.validation('Password is too common.', [{ field, message: 'is a commonly used password; choose another' }]);
  }
}

export function normalizeEmail(email: string): { email: string; normalized: string } {
  const trimmed = email.trim();
  return { email: trimmed, normalized: trimmed.toLowerCase() };
}

export interface OrgPasswordPolicy {
  minLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumber: boolean;
  requireSymbol: boolean;
}

/** Composition rules an organization may add on top of the defaults (never by default). */
export function assertMeetsOrgPolicy(password: string, policy: OrgPasswordPolicy, field: string): void {
  const problems: string[] = [];
  if ([...password].length < policy.minLength) problems.push(`at least ${policy.minLength} characters`);
  if (policy.requireUppercase && !/\p{Lu}/u.test(password)) problems.push('an uppercase letter');
  if (policy.requireLowercase && !/\p{Ll}/u.test(password)) problems.push('a lowercase letter');
  if (policy.requireNumber && !/\p{Nd}/u.test(password)) problems.push('a number');
  if (policy.requireSymbol && !/[^\p{L}\p{Nd}\s]/u.test(password)) problems.push('a symbol');
  if (problems.length > 0) {
    throw AppError.validation("Password does not meet your organization's policy.", [{ field, message: `must contain ${problems.join(', ')}` }]);
  }
}
