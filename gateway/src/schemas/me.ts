import { z } from 'zod';
import { isHttpsUrl, MAX_URL_LENGTH } from '#libs/https-url';
import { writableBody } from '../middleware/validation.ts';
import { displayNameField, passwordField } from './auth.ts';

/** Absolute https, with a host and no credentials in it: the avatar is shown to other users. */
const isAvatarUrl = (value: string) => isHttpsUrl(value, { fragment: true });

const avatarUrlField = z
  .string()
  .max(MAX_URL_LENGTH)
  .refine(isAvatarUrl, 'Must be an absolute https URL.')
  .meta({ format: 'uri', description: 'An absolute https URL; null removes the avatar' });

/**
 * Strict, without the echo-field leniency of other writes: the profile shares no field with
 * the user object a client could echo back harmlessly, and `email`, `id` or roles in a
 * profile edit are a mistake (or an attempt) worth a 400.
 */
export const updateProfileBody = z
  .strictObject({
    display_name: displayNameField.optional(),
    avatar_url: avatarUrlField.nullable().optional(),
  })
  .refine((body) => body.display_name !== undefined || body.avatar_url !== undefined, 'Send display_name, avatar_url or both.')
  .meta({ description: 'At least one of display_name and avatar_url; no other field.', minProperties: 1 });

export const changePasswordBody = writableBody({
  current_password: passwordField,
  new_password: passwordField,
});
