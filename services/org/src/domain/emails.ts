import { z } from 'zod';
import { AppError } from '#libs/errors';

const email = z.email().max(254);

/** Trimmed as typed, plus the lower-cased form used for matching (as auth normalizes it). */
export function normalizeEmail(raw: string): { email: string; normalized: string } {
  const trimmed = raw.trim();
  return { email: trimmed, normalized: trimmed.toLowerCase() };
}

export function parseEmail(raw: string): { email: string; normalized: string } {
  const parsed = normalizeEmail(raw);
  if (!email.safeParse(parsed.email).success) throw AppError.validation('Invalid email.', [{ field: 'email', message: 'must be an email address' }]);
  return parsed;
}
