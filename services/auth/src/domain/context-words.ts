import { AppError } from '#libs/errors';

/** Lower case, letters and digits only: "Ada.Lovelace!" and "ada lovelace" compare equal. */
function folded(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

const withoutDigits = (text: string) => text.replace(/\p{N}/gu, '');

/** Words this short are refused only as the whole password (give or take digits), never as a part of one. */
const CONTAINED_MIN_LENGTH = 4;

export interface PasswordContext {
  /** The service's own names (PASSWORD_CONTEXT_WORDS). */
  serviceWords: readonly string[];
  email: string;
  displayName?: string | undefined;
}

/** The account's own words: the email, its local part, the display name, and the service's names. */
function wordsOf(context: PasswordContext): string[] {
  const localPart = context.email.split('@')[0] ?? '';
  return [...context.serviceWords, context.email, localPart, context.displayName ?? ''].map(folded).filter((word) => word.length > 0);
}

/**
 * Refuses a password built from words an attacker targeting this account tries first
 * (ASVS 5.0 V6.2.11, NIST SP 800-63B §3.1.1.2): the user's email or its local part, their
 * display name, or the service's name, inside the password (when at least four letters long)
 * or as all of it but digits and symbols ("Egp2024!" and "ada.lovelace1815" alike).
 */
export function assertNotContextual(password: string, context: PasswordContext, field: string): void {
  const candidate = folded(password);
  const contextual = wordsOf(context).some(
    (word) => (word.length >= CONTAINED_MIN_LENGTH && candidate.includes(word)) || (withoutDigits(word).length > 0 && withoutDigits(candidate) === withoutDigits(word)),
  );
  if (contextual) {
    throw AppError.validation('Password is too easy to guess.', [{ field, message: "must not be built from your email, your name or the service's name" }]);
  }
}
