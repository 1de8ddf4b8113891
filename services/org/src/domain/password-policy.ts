import { z } from 'zod';

/** The policy as an organization stores it: only the keys it set. */
export const storedPasswordPolicy = z.strictObject({
  minLength: z.number().int().min(8).max(128).optional(),
  requireUppercase: z.boolean().optional(),
  requireLowercase: z.boolean().optional(),
  requireNumber: z.boolean().optional(),
  requireSymbol: z.boolean().optional(),
});

export type StoredPasswordPolicy = z.infer<typeof storedPasswordPolicy>;

export interface PasswordPolicy {
  minLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumber: boolean;
  requireSymbol: boolean;
}

export const DEFAULT_MIN_LENGTH = 8;
export const defaultStoredPasswordPolicy: StoredPasswordPolicy = { minLength: DEFAULT_MIN_LENGTH };

const MAX_POLICY_JSON_LENGTH = 1024;

/** Parses the `password_policy` JSON string; returns a message for the client when it is not a known shape. */
export function parsePasswordPolicy(json: string): { policy: StoredPasswordPolicy } | { error: string } {
  if (json.length > MAX_POLICY_JSON_LENGTH) return { error: `must be at most ${MAX_POLICY_JSON_LENGTH} characters` };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { error: 'must be a JSON object' };
  }
  const parsed = storedPasswordPolicy.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { error: `${where}${issue?.message ?? 'is invalid'} (known keys: minLength 8-128, requireUppercase, requireLowercase, requireNumber, requireSymbol)` };
  }
  return { policy: parsed.data };
}

/** The strictest combination: the longest minimum, and every composition rule any of them requires. */
export function strictestPolicy(policies: StoredPasswordPolicy[]): PasswordPolicy {
  return policies.reduce<PasswordPolicy>(
    (strictest, policy) => ({
      minLength: Math.max(strictest.minLength, policy.minLength ?? DEFAULT_MIN_LENGTH),
      requireUppercase: strictest.requireUppercase || policy.requireUppercase === true,
      requireLowercase: strictest.requireLowercase || policy.requireLowercase === true,
      requireNumber: strictest.requireNumber || policy.requireNumber === true,
      requireSymbol: strictest.requireSymbol || policy.requireSymbol === true,
    }),
    { minLength: DEFAULT_MIN_LENGTH, requireUppercase: false, requireLowercase: false, requireNumber: false, requireSymbol: false },
  );
}
