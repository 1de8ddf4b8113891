import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatewayEnv } from '../../gateway/src/config.ts';
import { appKeyEnv } from '../../services/app-key/src/config.ts';
import { authEnv } from '../../services/auth/src/config.ts';
import { orgEnv } from '../../services/org/src/config.ts';
import { profileDataEnv } from '../../services/profile-data/src/config.ts';
import { web3SsoEnv } from '../../services/web3-sso/src/config.ts';

/** The variables each process reads (its zod schema's keys). */
const processes = {
  gateway: gatewayEnv,
  auth: authEnv,
  org: orgEnv,
  'app-key': appKeyEnv,
  'web3-sso': web3SsoEnv,
  'profile-data': profileDataEnv,
};

/** Every `NAME=` in .env.example, set or commented out. */
const documented = new Set(
  readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined),
);

describe('.env.example', () => {
  it.each(Object.entries(processes))("documents every variable the %s process reads", (_name, schema) => {
    const missing = Object.keys(schema.shape).filter((key) => !documented.has(key));
    expect(missing).toEqual([]);
  });
});
