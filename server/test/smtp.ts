// A real SMTP server (smtp-server) on a free port for tests: it accepts every message and keeps it, parsed with
// mailparser, so a test reads what the messenger server actually sent, as a mail client would.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  from: string;
}

export interface TestSmtp {
  /** smtp://127.0.0.1:<port> for SMTP_URL. */
  url: string;
  received: TestMail[];
  /** The first message (already received or still to come) to this address matching `match`, within `timeoutMs`. */
  waitFor(to: string, match?: (m: TestMail) => boolean, timeoutMs?: number): Promise<TestMail>;
  close(): Promise<void>;
}

function toMail(parsed: ParsedMail, envelopeTo: string): TestMail {
  return {
    to: envelopeTo,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    from: parsed.from?.text ?? '',
  };
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: TestMail[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    // Plain SMTP on loopback: no TLS upgrade offered (its certificate would be self-signed), no login needed.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          for (const rcpt of session.envelope.rcptTo) received.push(toMail(parsed, rcpt.address.toLowerCase()));
          for (const w of [...waiters]) w();
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    waitFor(to, match = () => true, timeoutMs = 10_000) {
      const find = () => received.find((m) => m.to === to.toLowerCase() && match(m));
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = find();
          if (!m) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no email to ${to} within ${timeoutMs} ms (received: ${received.map((r) => `${r.to}: ${r.subject}`).join('; ')})`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The token of the first messenger link (`#/<route>/<token>`) in a message's text. */
export function linkToken(mail: TestMail, route: 'reset-password' | 'verify-email'): string {
  const m = new RegExp(`#/${route}/([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!m) throw new Error(`no ${route} link in: ${mail.text}`);
  return m[1]!;
}
