import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { E2E_PASSWORD, expectProblem, signIn, signUp, type UserView } from '../support/accounts.ts';
import { httpApi } from '../support/http-api.ts';
import { useTestSystem } from '../support/system.ts';

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const NEW_PASSWORD = 'quiet-lantern-58-meadow';
const anyString = expect.any(String) as unknown;

describe('user self-service over HTTP (the whole system, as npm start runs it)', () => {
  const system = useTestSystem();
  const api = httpApi(() => system().url);
  const me = (token: string) => api.get<UserView>('/api/v1/users/me', { token });

  describe('password change', () => {
    it('changes the password (204), ends the other sessions at once and keeps this one', async () => {
      const user = await signUp(api, 'password');
      const other = await signIn(api, user.email);
      const response = await api.put('/api/v1/users/me/password', { current_password: E2E_PASSWORD, new_password: NEW_PASSWORD }, { token: user.access_token });
      expect(response.status).toBe(204);
      expect(response.body).toBeUndefined();

      expectProblem(await me(other.access_token), 401, 'UNAUTHENTICATED');
      expectProblem(await api.post('/api/v1/auth/refresh', { refresh_token: other.refresh_token }), 401, 'UNAUTHENTICATED');
      expect((await me(user.access_token)).status).toBe(200);
      expect((await api.post('/api/v1/auth/refresh', { refresh_token: user.refresh_token })).status).toBe(200);

      const signedIn = await signIn(api, user.email, NEW_PASSWORD);
      expectProblem(await api.post('/api/v1/auth/login', { email: user.email, password: E2E_PASSWORD }), 401, 'UNAUTHENTICATED');
      // The change moved updated_at; sign-in (auth's row) and GET /users/me (profile-data's
      // copy, from the event) show the same instant once the event has arrived.
      expect(signedIn.user.updated_at).not.toBe(user.user.updated_at);
      await expect.poll(async () => (await me(user.access_token)).body, { timeout: 10_000, interval: 100 }).toEqual(signedIn.user);
    });

    it('refuses a wrong current password and an over-long new one with 400', async () => {
      const user = await signUp(api, 'password-bad');
      const wrong = await api.put('/api/v1/users/me/password', { current_password: 'not-my-password', new_password: NEW_PASSWORD }, { token: user.access_token });
      expect(expectProblem(wrong, 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'current_password', message: anyString }]);
      const long = await api.put('/api/v1/users/me/password', { current_password: E2E_PASSWORD, new_password: 'x'.repeat(129) }, { token: user.access_token });
      expect(expectProblem(long, 400, 'VALIDATION_FAILED').errors?.map((error) => error.field)).toEqual(['new_password']);
      // Nothing changed.
      expect((await api.post('/api/v1/auth/login', { email: user.email, password: E2E_PASSWORD })).status).toBe(200);
    });
  });

  describe('sessions (GET /users/me/sessions, POST /users/me/sessions/revoke)', () => {
    interface SessionList {
      sessions: Array<{ id: string; current: boolean; amr: string[]; created_at: string; last_active_at: string; expires_at: string }>;
    }
    const sessionOf = (token: string) => String(decodeJwt(token).sid);
    const time = expect.stringMatching(TIMESTAMP) as unknown;

    it('lists where the user is signed in, and ends another session after the password, at once', async () => {
      const user = await signUp(api, 'sessions');
      const other = await signIn(api, user.email);
      const listed = await api.get<SessionList>('/api/v1/users/me/sessions', { token: user.access_token });
      expect(listed.status).toBe(200);
      expect(listed.body.sessions).toEqual([
        { id: sessionOf(other.access_token), current: false, amr: ['pwd'], created_at: time, last_active_at: time, expires_at: time },
        { id: sessionOf(user.access_token), current: true, amr: ['pwd'], created_at: time, last_active_at: time, expires_at: time },
      ]);

      const wrong = await api.post('/api/v1/users/me/sessions/revoke', { current_password: 'not-my-password', all_others: true }, { token: user.access_token });
      expect(expectProblem(wrong, 400, 'VALIDATION_FAILED').errors).toEqual([{ field: 'current_password', message: anyString }]);
      expect((await me(other.access_token)).status).toBe(200);

      const revoked = await api.post('/api/v1/users/me/sessions/revoke', { current_password: E2E_PASSWORD, session_ids: [sessionOf(other.access_token)] }, { token: user.access_token });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ revoked_session_ids: [sessionOf(other.access_token)] });
      expectProblem(await me(other.access_token), 401, 'UNAUTHENTICATED');
      expectProblem(await api.post('/api/v1/auth/refresh', { refresh_token: other.refresh_token }), 401, 'UNAUTHENTICATED');
      expect((await me(user.access_token)).status).toBe(200);
      const after = await api.get<SessionList>('/api/v1/users/me/sessions', { token: user.access_token });
      expect(after.body.sessions.map((session) => session.id)).toEqual([sessionOf(user.access_token)]);
    });
  });

  describe('profile edits (PUT /users/me)', () => {
    it('updates display_name and avatar_url, answers the GET /users/me shape, and persists', async () => {
      const user = await signUp(api, 'profile');
      const response = await api.put<UserView>('/api/v1/users/me', { display_name: 'Grace H.', avatar_url: 'https://img.example/grace.png' }, { token: user.access_token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...user.user,
        display_name: 'Grace H.',
        avatar_url: 'https://img.example/grace.png',
        updated_at: expect.stringMatching(TIMESTAMP) as unknown,
      });
      expect((await me(user.access_token)).body).toEqual(response.body);
      // Signing in shows the same user once auth has copied the edit from profile-data's event
      // (the outbox relay's delay: milliseconds), not the account as it was at sign-up.
      const signedIn = async () => (await signIn(api, user.email)).user;
      await expect.poll(signedIn, { timeout: 10_000, interval: 100 }).toEqual(response.body);

      const cleared = await api.put<UserView>('/api/v1/users/me', { avatar_url: null }, { token: user.access_token });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ display_name: 'Grace H.', avatar_url: null });
      expect((await me(user.access_token)).body).toEqual(cleared.body);
      // An edit of one field leaves auth's copy of the other as it was.
      await expect.poll(signedIn, { timeout: 10_000, interval: 100 }).toEqual(cleared.body);
    });

    it.each([
      ['an unknown field', { display_name: 'A', nickname: 'a' }, 'nickname'],
      ['email', { email: 'someone-else@example.test' }, 'email'],
      ['id', { id: randomUUID(), display_name: 'A' }, 'id'],
      ['an http avatar', { avatar_url: 'http://img.example/a.png' }, 'avatar_url'],
      ['a 101-character name', { display_name: 'n'.repeat(101) }, 'display_name'],
      ['no field at all', {}, 'body'],
    ])('refuses %s with 400 and field errors', async (_case, body, field) => {
      const user = await signUp(api, 'profile-bad');
      const problem = expectProblem(await api.put('/api/v1/users/me', body, { token: user.access_token }), 400, 'VALIDATION_FAILED');
      expect(problem.errors?.map((error) => error.field)).toContain(field);
      expect((await me(user.access_token)).body).toEqual(user.user);
    });
  });

});
