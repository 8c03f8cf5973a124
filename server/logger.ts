// Structured JSON logs (pino). Tokens, passwords, cookies and message bodies are never logged.
// LOG_FORMAT=pretty renders the same records as readable lines (the default in development on a terminal).
import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };
export type LogFormat = 'json' | 'pretty';

/** `destination` defaults to stdout. */
export function createLogger(level: string, format: LogFormat = 'json', destination?: NodeJS.WritableStream): Logger {
  const stream =
    format === 'pretty'
      ? PinoPretty({
          colorize: destination === undefined && process.stdout.isTTY === true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
          sync: true,
          ...(destination ? { destination } : {}),
        })
      : destination;
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'messenger' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.currentPassword',
        '*.newPassword',
        '*.refreshToken',
        '*.accessToken',
        '*.token',
        '*.body',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return stream ? pino(options, stream) : pino(options);
}
