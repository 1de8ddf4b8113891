import { describe, expect, it } from 'vitest';
import { parsePasswordPolicy, strictestPolicy } from './password-policy.ts';

describe(parsePasswordPolicy.name, () => {
  it('accepts the known keys within bounds', () => {
    expect(parsePasswordPolicy('{"minLength": 128, "requireUppercase": true, "requireLowercase": false, "requireNumber": true, "requireSymbol": true}')).toEqual({
      policy: { minLength: 128, requireUppercase: true, requireLowercase: false, requireNumber: true, requireSymbol: true },
    });
    expect(parsePasswordPolicy('{}')).toEqual({ policy: {} });
  });

  it.each(['', 'null', '8', '[]', '{"minLength": 7}', '{"minLength": "12"}', '{"maxLength": 20}', '{"constructor": {}}', `{"minLength": 8${' '.repeat(2000)}}`])(
    'rejects %j',
    (json) => {
      expect(parsePasswordPolicy(json)).toHaveProperty('error');
    },
  );
});

describe(strictestPolicy.name, () => {
  it('defaults to minimum length 8 and no composition rules', () => {
    expect(strictestPolicy([])).toEqual({ minLength: 8, requireUppercase: false, requireLowercase: false, requireNumber: false, requireSymbol: false });
  });

  it('takes the longest minimum and every required rule', () => {
    expect(strictestPolicy([{ minLength: 10, requireNumber: true }, { requireLowercase: true }, { minLength: 14 }])).toEqual({
      minLength: 14,
      requireUppercase: false,
      requireLowercase: true,
      requireNumber: true,
      requireSymbol: false,
    });
  });
});
