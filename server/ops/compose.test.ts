// The deployment files: docker-compose.yml validated by docker-compose itself (there is no Docker engine on these
// machines), the profiles' shapes (who publishes the port, who talks to Redis), nginx's config, the Dockerfile's
// contract, and .env.example documenting every variable the server reads.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnTimeout } from '../test/processes.js';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const hasCompose = has('docker-compose');
const hasNginx = has('nginx');

interface ComposeService {
  profiles?: string[];
  ports?: (string | { published?: number | string; target?: number })[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition?: string }> | string[];
  volumes?: (string | { source?: string; target?: string })[];
  command?: string[];
  healthcheck?: unknown;
}

/** Services compose starts for the given profiles: those without profiles, and those in one of them. */
function active(services: Record<string, ComposeService>, profiles: string[]): string[] {
  return Object.entries(services)
    .filter(([, s]) => !s.profiles?.length || s.profiles.some((p) => profiles.includes(p)))
    .map(([name]) => name)
    .sort();
}

function publishedPorts(s: ComposeService): string[] {
  return (s.ports ?? []).map((p) => (typeof p === 'string' ? p.split(':').slice(0, -1).join(':') : String(p.published)));
}

function volumeSources(s: ComposeService): string[] {
  return (s.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[0]! : String(v.source)));
}

let dir: string;
function compose(args: string[], envFile = '.env') {
  return spawnSync('docker-compose', ['--env-file', envFile, ...args], { cwd: dir, encoding: 'utf8' });
}

beforeAll(() => {
  // A copy of the deployment files next to a .env made from .env.example the way the docs say (secrets filled in).
  dir = mkdtempSync(path.join(tmpdir(), 'messenger-compose-'));
  mkdirSync(path.join(dir, 'deploy'));
  copyFileSync(path.join(repoRoot, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
  copyFileSync(path.join(repoRoot, 'deploy/nginx.conf'), path.join(dir, 'deploy/nginx.conf'));
  copyFileSync(path.join(repoRoot, '.env.example'), path.join(dir, 'untouched.env'));
  const env = read('.env.example')
    .replace(/^MYSQL_PASSWORD=$/m, 'MYSQL_PASSWORD=0123456789abcdef0123456789abcdef')
    .replace(/^MYSQL_ROOT_PASSWORD=$/m, 'MYSQL_ROOT_PASSWORD=fedcba9876543210fedcba9876543210')
    .replace(/^JWT_SECRET=$/m, 'JWT_SECRET=n0tR3al+butL0ngEnough/0123456789abcdefghijklmnopqrstuv==');
  writeFileSync(path.join(dir, '.env'), env);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasCompose)('docker-compose config', () => {
  it(
    'is valid for the default and the scale profile',
    () => {
      const single = compose(['config', '-q']);
      expect(single.stderr).toBe('');
      expect(single.status).toBe(0);
      const scale = compose(['--profile', 'scale', 'config', '-q']);
      expect(scale.stderr).toBe('');
      expect(scale.status).toBe(0);
    },
    spawnTimeout(2),
  );

  it(
    'refuses to run with the secrets of .env.example left empty, naming the variable',
    () => {
      const res = compose(['config', '-q'], 'untouched.env');
      expect(res.status).not.toBe(0);
      expect(res.stderr).toMatch(/set (MYSQL_PASSWORD|MYSQL_ROOT_PASSWORD|JWT_SECRET) in \.env/);
    },
    spawnTimeout(1),
  );

  it(
    'has the shape the docs describe: one service publishes the port per profile; replicas share Redis',
    () => {
      const res = compose(['config']);
      expect(res.status).toBe(0);
      const services = (parse(res.stdout) as { services: Record<string, ComposeService> }).services;
      const profilesFromEnv = /^COMPOSE_PROFILES=(.*)$/m.exec(readFileSync(path.join(dir, '.env'), 'utf8'))?.[1]?.split(',') ?? [];
      expect(profilesFromEnv).toEqual(['single']);

      const shapes = { single: ['mysql', 'server'], scale: ['mysql', 'proxy', 'redis', 'server-1', 'server-2'] };
      for (const [profile, expected] of Object.entries(shapes)) {
        const names = active(services, [profile]);
        expect(names).toEqual(expected);
        // Every dependency starts with the profile, and no two services want the same host port.
        for (const name of names) {
          const deps = services[name]!.depends_on ?? {};
          for (const dep of Array.isArray(deps) ? deps : Object.keys(deps)) expect(names).toContain(dep);
        }
        const ports = names.flatMap((n) => publishedPorts(services[n]!));
        expect(ports).toEqual(['8080']);
      }

      const servers = ['server', 'server-1', 'server-2'].map((n) => services[n]!);
      for (const s of servers) {
        expect(s.environment).toMatchObject({
          NODE_ENV: 'production',
          DATA_DIR: '/data',
          DATABASE_URL: 'mysql://messenger:0123456789abcdef0123456789abcdef@mysql:3306/messenger',
          JWT_SECRET: expect.stringMatching(/^.{32,}$/),
          MYSQL_ROOT_PASSWORD: '',
        });
        expect(s.depends_on).toMatchObject({ mysql: { condition: 'service_healthy' } });
        expect(volumeSources(s)).toContain('server-data');
      }
      expect(services['server']!.environment?.['REDIS_URL']).toBeUndefined();
      // Uploaded files live under DATA_DIR (/data/files) with no object store: both replicas mount the one named
      // volume there, so either serves a file the other stored (server/files/replicas.test.ts runs that shape).
      for (const n of ['server-1', 'server-2']) {
        expect(services[n]!.volumes).toEqual(['server-data:/data:rw']);
      }
      expect(compose(['--profile', 'scale', 'config', '--volumes']).stdout.split('\n')).toContain('server-data');
      for (const n of ['server-1', 'server-2']) {
        expect(services[n]!.environment).toMatchObject({ REDIS_URL: 'redis://redis:6379', TRUST_PROXY: '1' });
        expect(services[n]!.depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
      }
      expect(services['proxy']!.depends_on).toMatchObject({
        'server-1': { condition: 'service_healthy' },
        'server-2': { condition: 'service_healthy' },
      });

      const mysql = services['mysql']!;
      expect(mysql.command).toEqual(expect.arrayContaining(['--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci']));
      expect(mysql.healthcheck).toBeDefined();
      expect(volumeSources(mysql)).toContain('mysql-data');
    },
    spawnTimeout(3),
  );
});

describe('deploy/nginx.conf', () => {
  const conf = read('deploy/nginx.conf');
  it('balances both replicas stickily, upgrades WebSockets, and keeps /metrics private', () => {
    expect(conf).toMatch(/server server-1:8080/);
    expect(conf).toMatch(/server server-2:8080/);
    expect(conf).toMatch(/hash \$binary_remote_addr consistent;/);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(conf).toMatch(/location = \/metrics \{\s*return 404;/);
  });

  it.skipIf(!hasNginx)(
    'passes nginx -t (replica names pointed at localhost)',
    () => {
      const tmp = mkdtempSync(path.join(tmpdir(), 'messenger-nginx-'));
      try {
        mkdirSync(path.join(tmp, 'logs'));
        writeFileSync(
          path.join(tmp, 'nginx.conf'),
          conf.replace('server-1:8080', '127.0.0.1:18080').replace('server-2:8080', '127.0.0.1:18081'),
        );
        const res = spawnSync('nginx', ['-t', '-p', tmp, '-c', path.join(tmp, 'nginx.conf'), '-g', `pid ${tmp}/nginx.pid;`], {
          encoding: 'utf8',
        });
        expect(res.stderr).toContain('test is successful');
        expect(res.status).toBe(0);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
    spawnTimeout(1),
  );
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  it('builds on Node 24 slim, ships production dependencies only, runs unprivileged with the documented command', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^RUN npm run build/m);
    expect(dockerfile).toMatch(/^COPY --from=prod-deps \/app\/node_modules/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/api\/health/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/server\/main\.js"\]$/m);
    // npm ci runs only approved install scripts: the native modules must be approved.
    const pkg = JSON.parse(read('package.json')) as { allowScripts?: Record<string, boolean> };
    expect(pkg.allowScripts).toMatchObject({ bcrypt: true, 'better-sqlite3': true });
  });
});

describe('.env.example', () => {
  it('documents every variable the server configuration reads', () => {
    const source = read('server/config.ts');
    const block = /const EnvSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source)?.[1] ?? '';
    const names = [...block.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(15);
    const example = read('.env.example');
    const documented = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    expect(names.filter((n) => !documented.has(n))).toEqual([]);
    expect(example).toContain('openssl rand -base64 48');
  });
});

if (!hasCompose) {
  // Visible in the run output, so a skipped check is never mistaken for a passing one.
  console.warn('docker-compose is not installed: skipping the docker-compose config checks (apt-get install -y docker-compose)');
}
