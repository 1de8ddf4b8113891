import { z } from 'zod';
import type { TokenPair, User } from '#gen/egp/auth/v1/auth_service';
import { AppError } from '#libs/errors';
import { VISIBLE_TEXT_MESSAGES, visibleTextProblem } from '#libs/visible-text';
import { writableBody } from '../middleware/validation.ts';
import { accountToUserView, userSchema } from './user.ts';

/** Trimmed, at most 254 characters (RFC 5321's path limit), then a plausible address. */
export const emailField = z.string().trim().max(254).check(z.email());

/**
 * Length only at the edge: > 128 characters is refused before anything hashes it. Characters
 * as auth counts them (PASSWORD_MAX_LENGTH, services/auth/src/domain/password-rules.ts, which
 * the gateway may not import): code points, as zod (4.5 and later) counts `.max()` — 100 emoji
 * pass, and a long string is counted only when its UTF-16 length already overflows. The auth
 * service applies the real rules (minimum 8, organization policy, common passwords).
 */
export const passwordField = z.string().min(1).max(128);

/** The library's message as this API words field errors: a sentence. */
const asSentence = (message: string) => `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;

export function visibleTextField(maxLength: number) {
  return z
    .string()
    .trim()
    .min(1, { abort: true })
    .max(maxLength, { abort: true })
    .superRefine((value, context) => {
      const problem = visibleTextProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: asSentence(VISIBLE_TEXT_MESSAGES[problem]) });
    });
}

export const displayNameField = visibleTextField(100);

/** RFC 5321's 64-octet local part, checked where accounts are made; sign-in takes any email. */
const newAccountEmailField = emailField.refine((email) => email.lastIndexOf('@') <= 64, 'The part before @ must be at most 64 characters.');

export const registerBody = writableBody({
  email: newAccountEmailField,
  password: passwordField,
  display_name: displayNameField.optional(),
});

export const loginBody = writableBody({
  email: emailField,
  password: passwordField,
});

export const authResultSchema = z.object({
  user: userSchema,
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().meta({ description: 'Seconds until the access token expires' }),
});

/**
 * Register and Login answer the same shape: the user as auth answers it, with the profile's
 * name and avatar as auth last copied them (see services/auth/src/domain/profile-copy.ts).
 */
export function toAuthResult(response: { user?: User | undefined; tokens?: TokenPair | undefined }): z.input<typeof authResultSchema> {
  const { user, tokens } = response;
  if (!user || !tokens) throw AppError.internal(new Error('auth returned no user or tokens'));
  return {
    user: accountToUserView(user),
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
  };
}
