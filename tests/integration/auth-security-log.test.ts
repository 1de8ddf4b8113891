import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#libs/identity';
import { LogCapture, type LogLine } from '#libs/testing';
import { startAuthWithOrg, type AuthWithOrg } from '../support/auth-with-org.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';
const clientIp = '198.51.100.23';
const anonymous = { principal: { kind: 'anonymous', ip: clientIp } } as const;

describe("auth's security log (ASVS V16.3: every authentication event, never a secret)", () => {
  const logs = new LogCapture();
  let services: AuthWithOrg;
  let org: AuthWithOrg['orgClient'];
  /** Every secret and address a test handed to auth, none of which may appear in a log line. */
  const secrets: string[] = [password];

  beforeAll(async () => {
    services = await startAuthWithOrg({}, logs);
    org = services.orgClient;
  });
  afterAll(() => services.stop());

  const auth = () => services.auth.client;
  /** The one line for `event` about `field` = `value` (a user or session id). */
  const lineFor = (event: string, field: string, value: unknown): LogLine => {
    const found = logs.events(event).filter((line) => line[field] === value);
    expect(found, `${event} with ${field}=${String(value)}`).toHaveLength(1);
    return found[0]!;
  };

  async function signUp(label: string) {
    const email = uniqueEmail(label);
    const { user, tokens } = await auth().register({ email, password }, anonymous);
    secrets.push(email, tokens!.accessToken, tokens!.refreshToken);
    const sessionId = String(decodeJwt(tokens!.accessToken).sid);
    const principal: Principal = { kind: 'user', userId: user!.id, sessionId, tokenType: 'access', ip: clientIp };
    return { email, userId: user!.id, sessionId, refreshToken: tokens!.refreshToken, principal };
  }

  it('logs a registration, and a refused one without the address tried', async () => {
    const user = await signUp('reg');
    expect(lineFor('registration.succeeded', 'user_id', user.userId)).toMatchObject({ level: 'info', service: 'auth', session_id: user.sessionId, ip: clientIp });
    const before = logs.events('registration.failed').length;
    await expect(auth().register({ email: user.email.toUpperCase(), password }, anonymous)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(logs.events('registration.failed').slice(before)).toEqual([expect.objectContaining({ reason: 'email_taken', ip: clientIp })]);
  });

  it('logs each sign-in with who, how and from where; failures with their real reason, which the client never hears', async () => {
    const user = await signUp('login');
    // The gateway's request id travels with the call, so this line and its access-log line meet.
    const { tokens } = await auth().login({ email: user.email, password }, { ...anonymous, requestId: 'audit-request-7' });
    secrets.push(tokens!.accessToken, tokens!.refreshToken);
    const sessionId = String(decodeJwt(tokens!.accessToken).sid);
    expect(lineFor('sign_in.succeeded', 'session_id', sessionId)).toMatchObject({
      level: 'info',
      user_id: user.userId,
      method: 'password',
      ip: clientIp,
      request_id: 'audit-request-7',
    });

    await expect(auth().login({ email: user.email, password: 'not-the-password-1' }, anonymous)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(lineFor('sign_in.failed', 'user_id', user.userId)).toMatchObject({ reason: 'wrong_password', method: 'password', ip: clientIp });

    const before = logs.events('sign_in.failed').length;
    const unknown = uniqueEmail('nobody');
    secrets.push(unknown);
    await expect(auth().login({ email: unknown, password }, anonymous)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const [failure] = logs.events('sign_in.failed').slice(before);
    expect(failure).toMatchObject({ reason: 'unknown_account', ip: clientIp });
    expect(failure).not.toHaveProperty('user_id');
  });

  it('warns when the brute-force limit refuses a sign-in, naming the limit and its Retry-After', async () => {
    const user = await signUp('blocked');
    const from = { principal: { kind: 'anonymous', ip: '198.51.100.99' } } as const;
    for (let attempt = 0; attempt < services.auth.config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP; attempt += 1) {
      await expect(auth().login({ email: user.email, password: 'not-the-password-1' }, from)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    await expect(auth().login({ email: user.email, password }, from)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const refused = logs.events('sign_in.refused').filter((line) => line.ip === '198.51.100.99');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: 'warn', code: 'RATE_LIMITED', limit: services.auth.config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_IP });
    expect(refused[0]!.retry_after_seconds).toBeGreaterThan(0);
  });

  it('logs refreshes and logouts, and warns with the user when a spent refresh token comes back', async () => {
    const user = await signUp('session');
    const { tokens } = await auth().refresh({ refreshToken: user.refreshToken }, anonymous);
    secrets.push(tokens!.accessToken, tokens!.refreshToken);
    expect(lineFor('session.refreshed', 'session_id', user.sessionId)).toMatchObject({ user_id: user.userId, ip: clientIp });

    await expect(auth().refresh({ refreshToken: user.refreshToken }, anonymous)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(lineFor('session.refresh_token_reused', 'session_id', user.sessionId)).toMatchObject({ level: 'warn', user_id: user.userId, ip: clientIp });

    const other = await signUp('logout');
    await auth().logout({ refreshToken: other.refreshToken }, { principal: other.principal });
    expect(lineFor('session.logged_out', 'user_id', other.userId)).toMatchObject({ session_ids: [other.sessionId], ip: clientIp });
  });

  it('logs a password change with the sessions it ended, and a wrong current password', async () => {
    const user = await signUp('password');
    const second = await auth().login({ email: user.email, password }, anonymous);
    secrets.push(second.tokens!.accessToken, second.tokens!.refreshToken);
    await expect(auth().changePassword({ currentPassword: 'not-the-password-1', newPassword: 'copper-lantern-58-meadow' }, { principal: user.principal })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(lineFor('password.change_failed', 'user_id', user.userId)).toMatchObject({ reason: 'wrong_current_password', session_id: user.sessionId });
    secrets.push('copper-lantern-58-meadow');
    await auth().changePassword({ currentPassword: password, newPassword: 'copper-lantern-58-meadow' }, { principal: user.principal });
    expect(lineFor('password.changed', 'user_id', user.userId)).toMatchObject({ session_id: user.sessionId, ended_sessions: 1, ip: clientIp });
  });

  it('logs sessions a user ended from their list, and a wrong password there', async () => {
    const user = await signUp('revoke');
    const second = await auth().login({ email: user.email, password }, anonymous);
    secrets.push(second.tokens!.accessToken, second.tokens!.refreshToken);
    const secondSession = String(decodeJwt(second.tokens!.accessToken).sid);
    await expect(auth().revokeSessions({ currentPassword: 'not-the-password-1', sessionIds: [], allOthers: true }, { principal: user.principal })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(lineFor('session.revoke_failed', 'user_id', user.userId)).toMatchObject({ reason: 'wrong_current_password', session_id: user.sessionId });
    await auth().revokeSessions({ currentPassword: password, sessionIds: [], allOthers: true }, { principal: user.principal });
    expect(lineFor('session.revoked', 'user_id', user.userId)).toMatchObject({ session_id: user.sessionId, session_ids: [secondSession], ip: clientIp });
  });

  it('logs service tokens issued, with their scope, and refused', async () => {
    const owner = await signUp('exchange');
    const { organization } = await org.createOrganization({ name: `Audit ${Date.now()}` }, { principal: owner.principal });
    const issued = await auth().exchangeToken({ organizationId: organization!.id, scope: 'members:read' }, { principal: owner.principal });
    secrets.push(issued.accessToken);
    expect(lineFor('service_token.issued', 'user_id', owner.userId)).toMatchObject({ organization_id: organization!.id, scope: 'members:read', session_id: owner.sessionId });

    const stranger = await signUp('stranger');
    await expect(auth().exchangeToken({ organizationId: organization!.id }, { principal: stranger.principal })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(lineFor('service_token.refused', 'user_id', stranger.userId)).toMatchObject({ reason: 'NOT_FOUND', organization_id: organization!.id });
  });

  it('never writes a password, token or email address, in any line auth logged', () => {
    const everything = logs.text.join('');
    expect(logs.lines.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/@example\.|egp_rt_/);
  });
});
