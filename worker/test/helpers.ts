import { env, exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import { buildSeedStatements, DEMO_PASSWORD } from '../src/seed/statements.ts';

export const ORIGIN = 'http://choso.test';

/** Sends a request through the whole API worker, as a client would. */
export function api(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

export function jsonRequest(method: string, body: unknown, token?: string): RequestInit {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  return { method, headers, body: JSON.stringify(body) };
}

export const bearer = (token: string): RequestInit => ({ headers: { Authorization: `Bearer ${token}` } });

/** Loads the dev seed (the same statements `npm run dev` runs) into this file's database. */
export async function seedDemo(): Promise<void> {
  const statements = await buildSeedStatements();
  await env.DB.batch(statements.map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
}

/** Signs in a demo account and returns its bearer token. */
export async function login(email: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await api('/api/v1/auth/login', jsonRequest('POST', { email, password }));
  expect(res.status).toBe(200);
  return (await res.json<{ token: string }>()).token;
}

export interface ErrorResponseBody {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}

/** Asserts the API's one error shape and returns it. */
export async function expectError(res: Response, status: number, code?: string): Promise<ErrorResponseBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get('Content-Type')).toMatch(/application\/json/);
  const body = await res.json<ErrorResponseBody>();
  expect(body).toEqual({
    error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) },
  });
  if (code) expect(body.error.code).toBe(code);
  return body;
}
