// `npm run admin -- <command>` (development) / `node dist/server/cli/admin.js <command>` (production, in the container).
// Builds the same services as the server (createServer, never listening), so the same rules apply: the same
// username/email/password validation, the same password hashing, and disabling revokes every session at once.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { RegisterBody } from '../../protocol/schemas.js';
import { UserModel } from '../db/models.js';
import { AppError, parseOrThrow } from '../errors.js';
import { createLogger } from '../logger.js';
import { createServer, type ServerHandle } from '../server.js';
import { UsersRepository, type UserRow } from '../users/users.repository.js';
import { loadCliConfig, runCli, UsageError } from './common.js';

const USAGE = `usage: admin <command> [options]

  create-user --username <name> --email <address> [--display-name <name>] <password source>
      password source, one of (prefer the first two: they stay out of shell history and ps):
        --password-stdin       read the password from standard input (first line)
        ADMIN_PASSWORD=...     take it from the environment
        --password <password>
  disable-user <username|id>   refuse logins and refreshes, and end every session of the user now
  enable-user <username|id>
  list-users [--json]
  make-admin <username|id>     give the account the server's administrator role
  remove-admin <username|id>
  reset-password <username|id> print a one-time password-reset link (PASSWORD_RESET_TTL; PUBLIC_URL for its address)
  revoke-sessions <username|id>
  delete-user <username|id> [--delete-messages]
                               delete the account: sessions end, profile and files erased; its messages stay with a
                               deleted-user sender, or are recalled with --delete-messages
  set-registration open|invite|closed
  create-invite [--max-uses <n>] [--hours <n>]   print an invite code

Reads the same environment (and .env) as the server.`;

const PASSWORD_ENV = 'ADMIN_PASSWORD';

function readStdinLine(): string {
  const text = readFileSync(0, 'utf8');
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new UsageError('--password-stdin: standard input was empty');
  return line;
}

function passwordFrom(values: { password?: string | undefined; 'password-stdin'?: boolean | undefined }): string {
  const sources = [values.password !== undefined, values['password-stdin'] === true].filter(Boolean).length;
  if (sources > 1) throw new UsageError('give the password one way only');
  if (values['password-stdin']) return readStdinLine();
  if (values.password !== undefined) return values.password;
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  throw new UsageError(`create-user needs a password: --password-stdin, ${PASSWORD_ENV} in the environment, or --password`);
}

async function findUser(server: ServerHandle, ref: string | undefined): Promise<UserRow> {
  if (!ref) throw new UsageError('which user? give a username or an id');
  const repo = new UsersRepository(server.knex);
  const user = /^\d+$/.test(ref) ? await repo.findById(Number(ref)) : await repo.findByLogin(ref);
  if (!user) throw new AppError('NOT_FOUND', `no user ${ref}`);
  return user;
}

async function createUser(server: ServerHandle, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      email: { type: 'string' },
      'display-name': { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
    allowPositionals: false,
  });
  if (!values.username || !values.email) throw new UsageError('create-user needs --username and --email');
  const input = parseOrThrow(RegisterBody, {
    username: values.username,
    email: values.email,
    password: passwordFrom(values),
    ...(values['display-name'] !== undefined ? { displayName: values['display-name'] } : {}),
  });
  // The registration limit is for anonymous callers over the network, not for the operator at a shell.
  const result = await server.services.auth.register(input, `cli:${process.pid}`, { operator: true });
  // register() also opens a session (it is what the sign-up form needs); the operator needs none, so end it.
  await server.services.auth.logout(await server.services.auth.authenticate(result.accessToken), result.refreshToken);
  process.stdout.write(`created user ${result.user.username} (id ${result.user.id}, ${result.user.email})\n`);
}

async function setStatus(server: ServerHandle, ref: string | undefined, status: 'active' | 'disabled'): Promise<void> {
  const user = await findUser(server, ref);
  // Through the admin service: the same revocation path as the app, and a line in the audit log (actor "cli").
  await server.services.admin.patchUser('cli', user.id, { status });
  process.stdout.write(
    status === 'disabled'
      ? `disabled user ${user.username} (id ${user.id}); every session of it is revoked\n`
      : `enabled user ${user.username} (id ${user.id})\n`,
  );
}

async function listUsers(server: ServerHandle, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: false });
  // An operator's read-only listing; the API's user search deliberately hides disabled accounts.
  const rows = await UserModel.query(server.knex)
    .select('id', 'username', 'email', 'display_name', 'status', 'role', 'created_at')
    .orderBy('id');
  const users = rows.map((r) => ({
    id: r.id,
    username: r.username,
    email: r.email,
    displayName: r.display_name,
    status: r.status,
    role: r.role,
    createdAt: new Date(r.created_at).toISOString(),
  }));
  if (values.json) {
    process.stdout.write(JSON.stringify(users, null, 2) + '\n');
    return;
  }
  process.stdout.write(`${users.length} user(s)\n`);
  for (const u of users)
    process.stdout.write(
      `${String(u.id).padStart(6)}  ${u.status.padEnd(8)}  ${u.role.padEnd(5)}  ${u.username}  <${u.email}>  ${u.displayName}\n`,
    );
}

const positiveInt = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  if (!/^[1-9][0-9]{0,5}$/.test(raw)) throw new UsageError(`${name} must be a positive integer`);
  return Number(raw);
};

/** The commands that act on one account or a setting, each recorded in the audit log with the actor "cli". */
async function adminCommand(server: ServerHandle, command: string, rest: string[]): Promise<void> {
  const admin = server.services.admin;
  if (command === 'set-registration') {
    const mode = rest[0];
    if (mode !== 'open' && mode !== 'invite' && mode !== 'closed') throw new UsageError('set-registration takes open, invite or closed');
    await admin.updateSettings('cli', { registration: mode });
    process.stdout.write(`registration is now ${mode}\n`);
    return;
  }
  if (command === 'create-invite') {
    const { values } = parseArgs({ args: rest, options: { 'max-uses': { type: 'string' }, hours: { type: 'string' } } });
    const invite = await admin.createInvite('cli', {
      maxUses: positiveInt('--max-uses', values['max-uses']),
      expiresInHours: positiveInt('--hours', values.hours),
    });
    process.stdout.write(`invite ${invite.code}${invite.expiresAt ? ` (expires ${invite.expiresAt})` : ''}\n`);
    return;
  }
  if (command === 'delete-user') {
    const { values, positionals } = parseArgs({ args: rest, options: { 'delete-messages': { type: 'boolean' } }, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('delete-user takes one username or id');
    const user = await findUser(server, positionals[0]);
    const messages = values['delete-messages'] ? 'delete' : 'keep';
    await admin.deleteUser('cli', user.id, messages);
    process.stdout.write(
      `deleted user ${user.username} (id ${user.id}); ${messages === 'delete' ? 'its messages were recalled' : 'its messages stay, signed by a deleted user'}\n`,
    );
    return;
  }
  if (rest.length !== 1) throw new UsageError(`${command} takes one username or id`);
  const user = await findUser(server, rest[0]);
  if (command === 'make-admin' || command === 'remove-admin') {
    await admin.patchUser('cli', user.id, { role: command === 'make-admin' ? 'admin' : 'user' });
    process.stdout.write(`${user.username} (id ${user.id}) is now ${command === 'make-admin' ? 'an administrator' : 'a user'}\n`);
  } else if (command === 'reset-password') {
    const link = await admin.passwordResetLink('cli', user.id, `http://localhost:${server.config.port}`);
    process.stdout.write(`one-time link for ${user.username}, valid until ${link.expiresAt}:\n${link.url}\n`);
  } else {
    const n = await admin.revokeSessions('cli', user.id);
    process.stdout.write(`ended ${n} session(s) of ${user.username}\n`);
  }
}

const ADMIN_COMMANDS = [
  'make-admin',
  'remove-admin',
  'reset-password',
  'revoke-sessions',
  'set-registration',
  'create-invite',
  'delete-user',
];

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command) throw new UsageError('a command is required');
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (!['create-user', 'disable-user', 'enable-user', 'list-users', ...ADMIN_COMMANDS].includes(command))
    throw new UsageError(`unknown command: ${command}`);
  if ((command === 'disable-user' || command === 'enable-user') && rest.length !== 1)
    throw new UsageError(`${command} takes one username or id`);

  const config: Config = loadCliConfig({ signsTokens: true });
  // No Redis: the command must work while Redis is down, and the running servers read its revocations from the
  // database (their periodic check) within a second or two either way.
  const server = await createServer(config, { logger: createLogger(process.env['ADMIN_LOG_LEVEL'] ?? 'error'), withoutRedis: true });
  try {
    if (command === 'create-user') await createUser(server, rest);
    else if (command === 'disable-user') await setStatus(server, rest[0], 'disabled');
    else if (command === 'enable-user') await setStatus(server, rest[0], 'active');
    else if (ADMIN_COMMANDS.includes(command)) await adminCommand(server, command, rest);
    else await listUsers(server, rest);
  } finally {
    await server.close();
  }
}

runCli(USAGE, main);
