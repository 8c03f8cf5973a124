// Small assertions and fixtures shared by the server suites: what a client sees on the wire.
import type { Response } from 'supertest';
import { expect } from 'vitest';
import type { Message, MyRoom } from '../../protocol/types.js';
import type { TestServer, TestUser } from './harness.js';

/** Asserts the documented error shape `{ error: { code, message, details? } }` and, when given, status and code. */
const show = (res: Response) => `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;

export function expectError(res: Response, status?: number, code?: string): void {
  if (status !== undefined) expect(res.status, show(res)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  expect(body.error, JSON.stringify(res.body)).toBeTypeOf('object');
  expect(body.error!.code).toBeTypeOf('string');
  expect(body.error!.message).toBeTypeOf('string');
  if (body.error!.details !== undefined) {
    expect(Array.isArray(body.error!.details)).toBe(true);
    for (const d of body.error!.details as unknown[]) expect(d).toMatchObject({ path: expect.any(String), message: expect.any(String) });
  }
  if (code !== undefined) expect(body.error!.code).toBe(code);
}

export function expectStatus(res: Response, status: number): void {
  expect(res.status, show(res)).toBe(status);
}

/** Nothing of the server's insides in an error body: no stack frames, file paths, SQL or driver names. */
export function expectNoLeak(body: unknown): void {
  // Unknown field names and unknown paths are the caller's own words echoed back, not our insides.
  const text = JSON.stringify(body)
    .replace(/unknown field\(s\): [^"]*/g, 'unknown field(s): …')
    .replace(/no route for [^"]*/g, 'no route for …');
  expect(text).not.toMatch(
    /\bat \S+ \(|\.ts:\d+|node_modules|\bselect\b.*\bfrom\b|\binsert into\b|\bupdate `|sqlite|mysql|knex|objection|stack/i,
  );
  // Driver error codes are upper case (ER_DUP_ENTRY); matched case-sensitively so a generated field like "er_A" is not one.
  expect(text).not.toMatch(/\bER_[A-Z_]{3,}/);
}

let clientCounter = 0;
export function clientId(): string {
  clientCounter += 1;
  return `c-${process.pid}-${Date.now().toString(36)}-${clientCounter}`;
}

export async function createRoom(
  t: TestServer,
  owner: TestUser,
  input: { name?: string; visibility?: 'public' | 'private'; memberIds?: number[]; description?: string } = {},
): Promise<MyRoom> {
  const res = await t.api
    .post('/api/rooms')
    .set(owner.auth)
    .send({
      name: input.name ?? 'Room',
      visibility: input.visibility ?? 'private',
      ...(input.memberIds ? { memberIds: input.memberIds } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
    });
  expectStatus(res, 201);
  return res.body as MyRoom;
}

export async function send(t: TestServer, user: TestUser, roomId: number, body = 'hello'): Promise<Message> {
  const res = await t.api.post(`/api/rooms/${roomId}/messages`).set(user.auth).send({ clientId: clientId(), body });
  expectStatus(res, 201);
  return res.body as Message;
}

export async function addMember(t: TestServer, by: TestUser, roomId: number, userId: number, role?: 'admin' | 'member'): Promise<void> {
  const res = await t.api
    .post(`/api/rooms/${roomId}/members`)
    .set(by.auth)
    .send(role ? { userId, role } : { userId });
  expectStatus(res, 201);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
