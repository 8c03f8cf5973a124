// Fast set-up for benchmarks that need thousands of signed-in users in rooms (bench/storm.ts): one user and one room
// are made through the API, as templates; their rows are then cloned in the database in batches, and access tokens
// are signed for the cloned sessions with the server's JWT secret. Registering 10,000 users one by one through the
// API took over 20 minutes on the shared machine and measures nothing the benchmark is about.
import { randomBytes } from 'node:crypto';
import { TokenService } from '../server/auth/tokens.js';
import { createRoom, registerUsers, type BenchDatabase } from './realtime-common.js';

type Row = Record<string, unknown>;

async function insertBatches(db: BenchDatabase, table: string, rows: Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500)
    await db
      .knex()(table)
      .insert(rows.slice(i, i + 500));
}

/** `n` users with a live session each, in private rooms of `roomSize` (consecutive users); their access tokens. */
export async function seedUsers(
  url: string,
  db: BenchDatabase,
  secret: string,
  n: number,
  roomSize: number,
): Promise<{ tokens: string[]; rooms: number }> {
  const [a, b] = await registerUsers(url, 2, 'tmpl_', 2);
  await createRoom(a!, [a!, b!], 'template');
  const k = db.knex();
  const userT = (await k('users').where('id', a!.id).first()) as Row;
  const sessionT = (await k('sessions').where('user_id', a!.id).first()) as Row;
  const roomT = (await k('rooms').orderBy('id', 'desc').first()) as Row;
  const memberT = (await k('room_members')
    .where('room_id', roomT['id'] as number)
    .where('user_id', a!.id)
    .first()) as Row;
  const tag = randomBytes(3).toString('hex');

  const strip = ({ id: _id, ...rest }: Row) => rest;
  await insertBatches(
    db,
    'users',
    Array.from({ length: n }, (_, i) => ({
      ...strip(userT),
      username: `s${tag}_${i}`,
      email: `s${tag}_${i}@bench.test`,
      display_name: `s${tag}_${i}`,
      ...('role' in userT ? { role: 'user' } : {}),
    })),
  );
  const ids = ((await k('users').where('username', 'like', `s${tag}\\_%`).select('id', 'username')) as { id: number; username: string }[])
    .sort((x, y) => Number(x.username.split('_')[1]) - Number(y.username.split('_')[1]))
    .map((r) => Number(r.id));
  await insertBatches(
    db,
    'sessions',
    ids.map((userId) => ({ ...strip(sessionT), user_id: userId, family_id: null, refresh_token_hash: randomBytes(32).toString('hex') })),
  );
  await k('sessions')
    .whereNull('family_id')
    .update({ family_id: k.ref('id') });
  const sessions = new Map(
    ((await k('sessions').whereIn('user_id', ids).select('id', 'user_id')) as { id: number; user_id: number }[]).map((r) => [
      Number(r.user_id),
      Number(r.id),
    ]),
  );

  const roomCount = Math.ceil(n / roomSize);
  await insertBatches(
    db,
    'rooms',
    Array.from({ length: roomCount }, (_, r) => ({
      ...strip(roomT),
      name: `storm ${tag} ${r}`,
      created_by: ids[r * roomSize],
      last_seq: 0,
    })),
  );
  const roomIds = ((await k('rooms').where('name', 'like', `storm ${tag} %`).select('id', 'name')) as { id: number; name: string }[])
    .sort((x, y) => Number(x.name.split(' ')[2]) - Number(y.name.split(' ')[2]))
    .map((r) => Number(r.id));
  await insertBatches(
    db,
    'room_members',
    ids.map((userId, i) => ({
      ...memberT,
      room_id: roomIds[Math.floor(i / roomSize)],
      user_id: userId,
      role: i % roomSize === 0 ? 'owner' : 'member',
      last_read_seq: 0,
    })),
  );
  const tokens = new TokenService(secret, 7200);
  return { tokens: await Promise.all(ids.map(async (id) => (await tokens.signAccess(id, sessions.get(id)!)).token)), rooms: roomCount };
}
