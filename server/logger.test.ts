// Both log formats keep secrets out: the redaction happens before formatting.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogFormat } from './logger.js';

function capture(format: LogFormat): { text: () => string; log: ReturnType<typeof createLogger> } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { text: () => text, log: createLogger('info', format, out) };
}

describe('createLogger', () => {
  it.each(['json', 'pretty'] as const)('%s: writes the record and redacts passwords, tokens and bodies', async (format) => {
    const { text, log } = capture(format);
    log.info(
      {
        req: { headers: { authorization: 'Bearer secret-access' } },
        input: { password: 'hunter2-password', refreshToken: 'secret-refresh', body: 'private words' },
      },
      'signed in',
    );
    await new Promise((r) => setImmediate(r));
    const out = text();
    expect(out).toContain('signed in');
    for (const secret of ['secret-access', 'hunter2-password', 'secret-refresh', 'private words']) expect(out).not.toContain(secret);
    if (format === 'json') expect(JSON.parse(out.trim())).toMatchObject({ level: 30, msg: 'signed in' });
    else expect(out).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: signed in/);
  });
});
