import { AppError } from '#libs/errors';
import { isHttpsUrl } from '#libs/https-url';

export interface ProfileChanges {
  displayName?: string | undefined;
  /** A URL to set, `null` to remove, `undefined` to leave as is. */
  avatarUrl?: string | null | undefined;
}

const MAX_DISPLAY_NAME = 100;
/** Control characters and bidi embeddings/overrides/isolates, which can disguise a name wherever it is shown. */
const UNSAFE_NAME_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** Validates profile edits here too, not only at the gateway: the service owns its invariants. */
export function assertValidChanges(changes: ProfileChanges): void {
  const fields = [];
  if (changes.displayName !== undefined) {
    const length = [...changes.displayName.trim()].length;
    if (length < 1 || length > MAX_DISPLAY_NAME) fields.push({ field: 'display_name', message: `must be 1 to ${MAX_DISPLAY_NAME} characters` });
    else if (UNSAFE_NAME_CHARACTERS.test(changes.displayName)) fields.push({ field: 'display_name', message: 'must not contain control characters' });
  }
  if (typeof changes.avatarUrl === 'string' && !isHttpsUrl(changes.avatarUrl, { fragment: true })) {
    fields.push({ field: 'avatar_url', message: 'must be an absolute https URL' });
  }
  if (fields.length > 0) throw AppError.validation('Invalid profile.', fields);
}

