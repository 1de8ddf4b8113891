import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config.ts';
import { envFields } from './fields.ts';

describe(loadConfig.name, () => {
  const schema = z.object({
    DATABASE_URL: envFields.databaseUrl,
    PORT: envFields.port(8080),
    FLAG: envFields.boolean(false),
  });

  it('parses, applies defaults and freezes', () => {
    const sut = loadConfig(schema, { DATABASE_URL: 'postgres://u@h/db', PORT: '' });
    expect(sut).toEqual({ DATABASE_URL: 'postgres://u@h/db', PORT: 8080, FLAG: false });
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig(schema, { DATABASE_URL: 'mysql://x', PORT: 'abc', FLAG: 'maybe' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const keys = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
      expect(keys.sort()).toEqual(['DATABASE_URL', 'FLAG', 'PORT']);
    }
  });
});
