import { describe, expect, it } from 'vitest';
import { assertMayChangeRole, assertMayRemove, assertOwnerRemains } from './owner-rules.ts';

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe(assertMayChangeRole.name, () => {
  it.each([
    ['OWNER', 'MEMBER', 'OWNER', undefined],
    ['OWNER', 'OWNER', 'ADMIN', undefined],
    ['ADMIN', 'MEMBER', 'ADMIN', undefined],
    ['ADMIN', 'ADMIN', 'MEMBER', undefined],
    ['ADMIN', 'MEMBER', 'OWNER', 'FORBIDDEN'],
    ['ADMIN', 'OWNER', 'ADMIN', 'FORBIDDEN'],
    ['ADMIN', 'OWNER', 'OWNER', 'FORBIDDEN'],
    ['MEMBER', 'MEMBER', 'ADMIN', 'FORBIDDEN'],
  ] as const)('%s changing %s to %s → %s', (actor, target, next, expected) => {
    expect(codeOf(() => assertMayChangeRole(actor, target, next))).toBe(expected);
  });
});

describe(assertMayRemove.name, () => {
  it.each([
    ['MEMBER', 'MEMBER', true, undefined],
    ['OWNER', 'OWNER', true, undefined],
    ['MEMBER', 'MEMBER', false, 'FORBIDDEN'],
    ['ADMIN', 'ADMIN', false, undefined],
    ['ADMIN', 'OWNER', false, 'FORBIDDEN'],
    ['OWNER', 'OWNER', false, undefined],
  ] as const)('%s removing %s (self: %s) → %s', (actor, target, self, expected) => {
    expect(codeOf(() => assertMayRemove(actor, target, self))).toBe(expected);
  });
});

describe(assertOwnerRemains.name, () => {
  it('refuses to take the role from the last owner, by demotion or removal', () => {
    expect(codeOf(() => assertOwnerRemains('OWNER', 'ADMIN', 1))).toBe('CONFLICT');
    expect(codeOf(() => assertOwnerRemains('OWNER', undefined, 1))).toBe('CONFLICT');
    expect(codeOf(() => assertOwnerRemains('OWNER', undefined, 2))).toBeUndefined();
    expect(codeOf(() => assertOwnerRemains('ADMIN', undefined, 1))).toBeUndefined();
  });
});
