// `npm run migrate` (development) / `node dist/server/cli/migrate.js` (production build, inside the container).
// The server also migrates at start-up (under knex's migration lock); this command is for doing it on purpose.
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { createKnex, ensureMysqlDatabase } from '../db/knex.js';
import { migrateLatest, migrationStatus, rollbackAll } from '../db/migrate.js';
import { loadCliConfig, runCli, UsageError } from './common.js';

const USAGE = `usage: migrate [--status | --down-all --yes]

  (no option)       apply every pending migration (creates the MySQL database named in DATABASE_URL if missing)
  --status          list applied and pending migrations
  --down-all --yes  roll back every migration: drops every table and ALL DATA

Reads DATABASE_URL / DATA_DIR from the environment (and .env), like the server.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      status: { type: 'boolean' },
      'down-all': { type: 'boolean' },
      yes: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (values.status && values['down-all']) throw new UsageError('--status and --down-all do not go together');
  if (values['down-all'] && !values.yes) throw new UsageError('--down-all drops every table and all data; add --yes to confirm');

  const config: Config = loadCliConfig({ signsTokens: false });
  const where = config.databaseUrl ? `MySQL database ${new URL(config.databaseUrl).pathname.slice(1)}` : `SQLite in ${config.dataDir}`;
  if (config.databaseUrl && !values.status) await ensureMysqlDatabase(config.databaseUrl);
  const knex = createKnex({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    if (values.status) {
      const { done, pending } = await migrationStatus(knex);
      process.stdout.write(`${where}: ${done.length} applied, ${pending.length} pending\n`);
      for (const name of done) process.stdout.write(`  applied  ${name}\n`);
      for (const name of pending) process.stdout.write(`  pending  ${name}\n`);
    } else if (values['down-all']) {
      const { done } = await migrationStatus(knex);
      await rollbackAll(knex);
      process.stdout.write(`${where}: rolled back ${done.length} migration(s)\n`);
    } else {
      const applied = await migrateLatest(knex);
      if (applied.length === 0) process.stdout.write(`${where}: already up to date\n`);
      else {
        process.stdout.write(`${where}: applied ${applied.length} migration(s)\n`);
        for (const name of applied) process.stdout.write(`  applied  ${name}\n`);
      }
    }
  } finally {
    await knex.destroy();
  }
}

runCli(USAGE, main);
