// `npm run server`: validate the configuration, migrate, listen, and shut down cleanly on SIGTERM/SIGINT.
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { createServer } from './server.js';

async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(78);
    }
    throw err;
  }
  const server = await createServer(config);
  const url = await server.listen();
  server.logger.info(
    { url, database: config.databaseUrl ? 'mysql' : 'sqlite', version: config.version },
    `messenger server listening on ${url}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      server.logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`messenger server failed to start: ${message}\n`);
  process.exit(1);
});
