import { AppError } from '#libs/errors';
import { isHttpsUrl } from '#libs/https-url';
import { VISIBLE_TEXT_MESSAGES, visibleTextProblem } from '#libs/visible-text';

export interface ProfileChanges {
  displayName?: string | undefined;
  /** A URL to set, `null` to remove, `undefined` to leave as is. */
  avatarUrl?: string | null | undefined;
}

const MAX_DISPLAY_NAME = 100;
function displayNameProblem(displayName: string): string | undefined {
  const length = [...displayName.trim()].length;
  if (length < 1 || length > MAX_DISPLAY_NAME) return `must be 1 to ${MAX_DISPLAY_NAME} characters`;
  const problem = visibleTextProblem(displayName);
  return problem && VISIBLE_TEXT_MESSAGES[problem];
}

/** Validates profile edits here too, not only at the gateway: the service owns its invariants. */
export function assertValidChanges(changes: ProfileChanges): void {
  const fields = [];
  const nameProblem = changes.displayName === undefined ? undefined : displayNameProblem(changes.displayName);
  if (nameProblem) fields.push({ field: 'display_name', message: nameProblem });
  if (typeof changes.avatarUrl === 'string' && !isHttpsUrl(changes.avatarUrl, { fragment: true })) {
    fields.push({ field: 'avatar_url', message: 'must be an absolute https URL' });
  }
  if (fields.length > 0) throw AppError.validation('Invalid profile.', fields);
}

