import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { RequestTemplate } from './load/spec.ts';

const API = '/api/v1';

interface JsonAnswer {
  status: number;
  body: unknown;
}

/** One JSON request to the gateway on 127.0.0.1, for setting up (the load uses its own client). */
function callJson(port: number, method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<JsonAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(payload.length) });
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: kept as text for the error message
        }
        resolve({ status: response.statusCode ?? 0, body: parsed });
      });
    });
    outgoing.setTimeout(30_000, () => outgoing.destroy(new Error(`${method} ${path} got no answer in 30 s`)));
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

function expectStatus(answer: JsonAnswer, status: number, what: string): void {
  if (answer.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  }
}

export interface BenchUser {
  email: string;
  password: string;
  accessToken: string;
}

/** Registers `count` users, `concurrency` at a time (each registration hashes a password). */
export async function registerUsers(port: number, count: number, concurrency: number): Promise<BenchUser[]> {
  const run = randomBytes(4).toString('hex');
  const users: BenchUser[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const email = `bench-${run}-${index}@example.com`;
      const password = `Bench ${run} pass ${index} ${randomBytes(6).toString('base64url')}`;
      const answer = await callJson(port, 'POST', `${API}/auth/register`, { email, password, display_name: `Bench user ${index}` });
      expectStatus(answer, 201, `registering ${email}`);
      users.push({ email, password, accessToken: (answer.body as { access_token: string }).access_token });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return users;
}

export function loginRequests(users: BenchUser[]): RequestTemplate[] {
  return users.map(({ email, password }) => ({
    method: 'POST',
    path: `${API}/auth/login`,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email, password }),
  }));
}

export function readRequests(users: BenchUser[]): RequestTemplate[] {
  return users.map(({ accessToken }) => ({
    method: 'GET',
    path: `${API}/users/me`,
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  }));
}

/** One login and one read before any load, so a broken set-up fails clearly and early. */
export async function checkOnce(port: number, user: BenchUser): Promise<void> {
  expectStatus(await callJson(port, 'POST', `${API}/auth/login`, { email: user.email, password: user.password }), 200, 'login check');
  expectStatus(await callJson(port, 'GET', `${API}/users/me`, undefined, user.accessToken), 200, 'GET /users/me check');
}
