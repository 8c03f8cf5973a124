// The XMPP peers of bench/peers.ts: ejabberd and Prosody from Debian's packages, each started as a process of this
// benchmark (never the system service) with a config file written into a temp dir, on free ports, with users,
// MUC rooms and the MUC message archive in a fresh MariaDB database (`bench_peer_*`, dropped afterwards).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../server/test/processes.js';
import { freshDatabase, sleep, type BenchDatabase } from './realtime-common.js';

export const XMPP_DOMAIN = 'bench.local';
export const MUC_DOMAIN = 'muc.bench.local';
export const XMPP_PASSWORD = 'bench-password';

export interface XmppPeer {
  name: 'ejabberd' | 'prosody';
  version: string;
  port: number;
  db: BenchDatabase;
  /** What the MUC archive is persisted to, in a few words (printed with the results). */
  storage: string;
  /** The process doing the server's work (beam.smp, lua), for CPU and RSS. */
  pid(): number | undefined;
  /** Creates accounts `names` with XMPP_PASSWORD (straight into the server's SQL tables: setup, not measured). */
  addUsers(names: string[]): Promise<void>;
  /** MUC messages persisted in the archive so far. */
  archived(): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

function packageVersion(pkg: string): string | undefined {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status} ${Version}', pkg], { encoding: 'utf8' });
  const m = /install ok installed (\S+)/.exec(r.stdout ?? '');
  return m?.[1];
}

function waitForPort(port: number, proc: ChildProcess, out: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (proc.exitCode !== null) return reject(new Error(`exited (${proc.exitCode}): ${out().slice(-4000)}`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`did not listen on ${port} within ${timeoutMs} ms: ${out().slice(-4000)}`));
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

/** All descendants of `pid` (from /proc), children first. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function spawnGroup(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, user?: { uid: number; gid: number }) {
  let out = '';
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...user });
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const pids = [child.pid, ...descendants(child.pid)];
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    // Our own process group first, then any descendant that left it (su, erl); only pids we started.
    for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
      try {
        process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
      for (const p of pids) {
        try {
          process.kill(p, sig);
        } catch {
          // already gone
        }
      }
      if (await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) break;
    }
  };
  return { child, output: () => out, stop };
}

/** The service account's ids when this runs as root (neither server should run as root), else none. */
function serviceUser(user: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  return uid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
}

/** mkdtemp that the service user can read and write. */
function serviceDir(prefix: string, user: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const ids = serviceUser(user);
  if (ids) chownSync(dir, ids.uid, ids.gid);
  chmodSync(dir, 0o777);
  return dir;
}

async function createDatabase(db: BenchDatabase): Promise<void> {
  await freshAdmin()(`CREATE DATABASE \`${db.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
}

/** Runs SQL through the mariadb CLI (the schema files are multi-statement scripts). */
function freshAdmin(database?: string) {
  return async (sql: string): Promise<void> => {
    const url = new URL(process.env['BENCH_DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306/mysql');
    const args = ['-h', url.hostname, '-P', url.port || '3306', '-u', decodeURIComponent(url.username || 'root')];
    if (url.password) args.push(`-p${decodeURIComponent(url.password)}`);
    if (database) args.push(database);
    const r = spawnSync('mariadb', args, { input: sql, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mariadb: ${r.stderr || r.error?.message}`);
  };
}

// ---------- ejabberd ----------

/** The install hint of a missing ejabberd (with its MySQL driver) or of its missing driver alone. */
const ejabberdInstallHint = (driverOnly: boolean) => `(apt-get install -y ${driverOnly ? '' : 'ejabberd '}erlang-p1-mysql)`;

export async function startEjabberd(): Promise<XmppPeer> {
  const version = packageVersion('ejabberd');
  if (!version || !existsSync('/usr/sbin/ejabberdctl')) throw new Error(`not installed ${ejabberdInstallHint(false)}`);
  if (!existsSync('/usr/lib/erlang/lib') || !readdirSync('/usr/lib/erlang/lib').some((d) => d.startsWith('p1_mysql')))
    throw new Error(`its MySQL driver is not installed ${ejabberdInstallHint(true)}`);
  const db = freshDatabase('bench_peer_ejabberd');
  const dir = serviceDir('bench-ejabberd-', 'ejabberd');
  const port = await freePort();
  let proc: ReturnType<typeof spawnGroup> | undefined;
  let dropUser = () => Promise.resolve();
  try {
    await createDatabase(db);
    await freshAdmin(db.name)(readFileSync('/usr/share/ejabberd/sql/mysql.sql', 'utf8'));
    // ejabberd's MySQL driver sends a scrambled empty password, which MariaDB refuses for a password-less root: it
    // gets an account of its own on its bench database, dropped with it.
    const sqlUser = db.name.slice(0, 60);
    const sqlPassword = randomBytes(12).toString('hex');
    await freshAdmin()(
      `CREATE USER '${sqlUser}'@'127.0.0.1' IDENTIFIED BY '${sqlPassword}'; GRANT ALL ON \`${db.name}\`.* TO '${sqlUser}'@'127.0.0.1';`,
    );
    dropUser = () => freshAdmin()(`DROP USER IF EXISTS '${sqlUser}'@'127.0.0.1'`);
    const url = new URL(db.url);
    // No shaper on the listener (the packaged config's c2s shaper caps a client at 1-3 KB/s, not what is measured),
    // everything in SQL, the MUC archive on by default in every room (mod_mam, db_type sql), no XEP-0198 (the MUC echo is the ack the load generator waits for).
    const config = `hosts: ["${XMPP_DOMAIN}"]
loglevel: warning
log_rotate_count: 0
listen:
  - port: ${port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    max_stanza_size: 262144
    starttls: false
    access: all
sql_type: mysql
sql_server: "${url.hostname}"
sql_port: ${url.port || 3306}
sql_database: "${db.name}"
sql_username: "${sqlUser}"
sql_password: "${sqlPassword}"
sql_pool_size: 10
default_db: sql
new_sql_schema: false
auth_method: sql
auth_password_format: plain
access_rules:
  local:
    allow: all
modules:
  mod_disco: {}
  mod_ping: {}
  mod_mam:
    db_type: sql
    default: never
  mod_muc:
    host: "${MUC_DOMAIN}"
    db_type: sql
    access: all
    access_create: all
    access_persistent: all
    access_mam: all
    max_users: 5000
    max_user_conferences: 1000
    history_size: 20
    default_room_options:
      mam: true
      persistent: true
`;
    writeFileSync(path.join(dir, 'ejabberd.yml'), config);
    chmodSync(path.join(dir, 'ejabberd.yml'), 0o644);
    // Our own ejabberdctl.cfg: the packaged one points EJABBERD_CONFIG_PATH back at /etc/ejabberd/ejabberd.yml.
    writeFileSync(path.join(dir, 'ejabberdctl.cfg'), `ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"\nEJABBERD_PID_PATH=${dir}/ejabberd.pid\n`);
    chmodSync(path.join(dir, 'ejabberdctl.cfg'), 0o644);
    const node = `benchejd${port}@localhost`;
    proc = spawnGroup(
      '/usr/sbin/ejabberdctl',
      [
        '--config',
        path.join(dir, 'ejabberd.yml'),
        '--ctl-config',
        path.join(dir, 'ejabberdctl.cfg'),
        '--logs',
        dir,
        '--spool',
        dir,
        '--node',
        node,
        'foreground',
      ],
      dir,
      {
        HOME: dir,
      },
    );
    await waitForPort(port, proc.child, () => `${proc!.output()}\n${tail(path.join(dir, 'ejabberd.log'))}`, 90_000);
    const p = proc;
    const beam = () => (p.child.pid === undefined ? undefined : descendants(p.child.pid).find((x) => commOf(x).startsWith('beam')));
    return {
      name: 'ejabberd',
      version,
      port,
      db,
      storage: `MariaDB (mod_mam + mod_muc, db_type sql, table archive)`,
      pid: beam,
      async addUsers(names) {
        for (let i = 0; i < names.length; i += 500) {
          await db
            .knex()('users')
            .insert(names.slice(i, i + 500).map((username) => ({ username, password: XMPP_PASSWORD })));
        }
      },
      async archived() {
        const row = (await db.knex()('archive').where('kind', 'groupchat').count({ n: '*' }).first()) as { n: number | string };
        return Number(row.n);
      },
      output: () => `${p.output()}\n${tail(path.join(dir, 'ejabberd.log'))}`,
      async stop() {
        await p.stop();
        await db.drop().catch(() => undefined);
        await dropUser().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await proc?.stop();
    await db.drop().catch(() => undefined);
    await dropUser().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-1500);
  } catch {
    return '';
  }
}

// ---------- Prosody ----------

export async function startProsody(): Promise<XmppPeer> {
  const version = packageVersion('prosody');
  if (!version || !existsSync('/usr/bin/prosody')) throw new Error('not installed (apt-get install -y prosody lua-dbi-mysql)');
  if (!packageVersion('lua-dbi-mysql')) throw new Error('lua-dbi-mysql is not installed (Prosody needs it for MariaDB)');
  const db = freshDatabase('bench_peer_prosody');
  const dir = serviceDir('bench-prosody-', 'prosody');
  const port = await freePort();
  let proc: ReturnType<typeof spawnGroup> | undefined;
  try {
    await createDatabase(db);
    const url = new URL(db.url);
    // Everything in SQL (mod_storage_sql on MariaDB through LuaDBI), the MUC archive on in every room (mod_muc_mam),
    // rooms unlocked at creation (as ejabberd's and ours), no TLS (as the others here), no XEP-0198 (the MUC echo is the ack the load generator waits for).
    const config = `pidfile = "${dir}/prosody.pid"
data_path = "${dir}"
plugin_server = nil
log = { { levels = { min = "warn" }, to = "file", filename = "${dir}/prosody.log" } }
c2s_ports = { ${port} }
c2s_interfaces = { "127.0.0.1" }
c2s_direct_tls_ports = {}
s2s_ports = {}
http_ports = {}
https_ports = {}
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_plain"
storage = "sql"
sql = { driver = "MySQL", database = "${db.name}", host = "${url.hostname}", port = ${url.port || 3306}, username = "${decodeURIComponent(url.username || 'root')}", password = "${decodeURIComponent(url.password)}" }
modules_enabled = { "roster", "saslauth", "disco", "ping" }
modules_disabled = { "s2s", "tls" }
limits = { c2s = { rate = "1000mb/s" } }
VirtualHost "${XMPP_DOMAIN}"
Component "${MUC_DOMAIN}" "muc"
  modules_enabled = { "muc_mam" }
  muc_log_by_default = true
  muc_log_all_rooms = true
  muc_room_locking = false
  muc_room_default_persistent = true
  max_history_messages = 20
  muc_max_occupants = 5000
`;
    writeFileSync(path.join(dir, 'prosody.cfg.lua'), config);
    chmodSync(path.join(dir, 'prosody.cfg.lua'), 0o644);
    // As the prosody account (Prosody refuses to start as root), in the foreground, as a child of this process.
    proc = spawnGroup(
      '/usr/bin/prosody',
      ['--config', path.join(dir, 'prosody.cfg.lua'), '-F'],
      dir,
      { HOME: dir },
      serviceUser('prosody'),
    );
    await waitForPort(port, proc.child, () => `${proc!.output()}\n${tail(path.join(dir, 'prosody.log'))}`, 60_000);
    const p = proc;
    // Prosody creates its tables on start; wait for the one accounts live in.
    for (let i = 0; i < 100 && !(await db.knex().schema.hasTable('prosody')); i++) await sleep(100);
    const lua = () => {
      if (p.child.pid === undefined) return undefined;
      return [p.child.pid, ...descendants(p.child.pid)].find((x) => commOf(x).startsWith('lua'));
    };
    return {
      name: 'prosody',
      version,
      port,
      db,
      storage: 'MariaDB (mod_storage_sql via LuaDBI, mod_muc_mam, table prosodyarchive)',
      pid: lua,
      async addUsers(names) {
        for (let i = 0; i < names.length; i += 500) {
          await db
            .knex()('prosody')
            .insert(
              names
                .slice(i, i + 500)
                .map((user) => ({ host: XMPP_DOMAIN, user, store: 'accounts', key: 'password', type: 'string', value: XMPP_PASSWORD })),
            );
        }
      },
      async archived() {
        const row = (await db.knex()('prosodyarchive').where('store', 'muc_log').count({ n: '*' }).first()) as { n: number | string };
        return Number(row.n);
      },
      output: () => `${p.output()}\n${tail(path.join(dir, 'prosody.log'))}`,
      async stop() {
        await p.stop();
        await db.drop().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await proc?.stop();
    await db.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
