// What the operator commands share: configuration from the environment (and .env), one-line errors, exit codes.
import { ConfigError, loadConfig, loadDotEnv, type Config } from '../config.js';
import { AppError } from '../errors.js';

/** sysexits.h: the conventional codes for "wrong usage" and "bad configuration". */
export const EXIT_USAGE = 64;
export const EXIT_CONFIG = 78;

export class UsageError extends Error {}

/** Migrations sign nothing: a missing JWT_SECRET must not stop them, even with NODE_ENV=production. */
const UNUSED_SECRET = 'this-command-signs-no-tokens-0123456789abcdef';

/** The environment (with `.env` from the working directory, as the server reads it), validated by the server's rules. */
export function loadCliConfig(options: { signsTokens: boolean }): Config {
  loadDotEnv();
  if (options.signsTokens) return loadConfig(process.env);
  return loadConfig({ ...process.env, JWT_SECRET: process.env['JWT_SECRET'] || UNUSED_SECRET });
}

/** Runs a command: prints one line on failure (never a stack for expected errors) and sets the exit code. */
export function runCli(usage: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      if (err instanceof UsageError) {
        process.stderr.write(`${err.message}\n\n${usage}\n`);
        process.exit(EXIT_USAGE);
      }
      if (err instanceof ConfigError) {
        process.stderr.write(err.message + '\n');
        process.exit(EXIT_CONFIG);
      }
      if (err instanceof AppError) {
        const details = err.details
          ?.map((d) => `${d.path ? d.path + ' ' : ''}${d.message}`)
          .filter((d) => !err.message.includes(d))
          .join('; ');
        process.stderr.write(`error: ${err.code}: ${err.message}${details ? ` (${details})` : ''}\n`);
        process.exit(1);
      }
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
