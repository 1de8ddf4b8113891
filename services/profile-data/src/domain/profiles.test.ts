import { describe, expect, it } from 'vitest';
import { assertValidChanges } from './profiles.ts';

describe(assertValidChanges.name, () => {
  it.each(['a\u0000b', 'line\nbreak', 'evil\u202Egnp.exe', 'iso\u2066late\u2069'])('rejects the display name %j', (displayName) => {
    expect(() => assertValidChanges({ displayName })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', fields: [{ field: 'display_name', message: 'must not contain control characters' }] }),
    );
  });

  it('accepts an ordinary name, also with non-Latin letters and emoji', () => {
    expect(() => assertValidChanges({ displayName: 'Zoë 李 🚀' })).not.toThrow();
  });
});
