// Sending email with nodemailer (SMTP_URL). A send never holds up or fails the HTTP answer that caused it: the message
// is handed over in the background, retried a few times on a transient SMTP failure, and logged (without its links,
// which are secrets) when it cannot be delivered. Nothing is queued on disk: a node that stops with a message still
// being retried loses it, and the user asks again (every mail here answers a request the user can repeat).
import type { Transporter } from 'nodemailer';
import type { Logger } from '../logger.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What kind of message, for the logs (the content is never logged). */
  kind: string;
}

const RETRY_DELAYS_MS = [1000, 5000, 15000];

export class Mailer {
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  private constructor(
    private readonly transport: Transporter,
    private readonly from: string,
    private readonly logger: Logger,
  ) {}

  /**
   * nodemailer is loaded only where mail is configured (SMTP_URL): loading it on every start cost a tenth of the
   * server's module loading, which a restart waits for before it listens.
   */
  static async create(url: string, from: string, logger: Logger): Promise<Mailer> {
    const { default: nodemailer } = await import('nodemailer');
    // Short timeouts: a dead mail server must not keep sockets (and retries) around for minutes.
    const transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
    return new Mailer(transport, from, logger);
  }

  /** Hands the message over in the background; never throws. */
  send(mail: Mail): void {
    if (this.closed) return;
    const job = this.deliver(mail).finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  private async deliver(mail: Mail): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
        this.logger.info({ event: 'email.sent', kind: mail.kind, attempt: attempt + 1 }, 'email sent');
        return;
      } catch (err) {
        // 5xx answers are permanent (bad address, refused sender): trying again would get the same answer.
        const code = (err as { responseCode?: number }).responseCode;
        const permanent = code !== undefined && code >= 500;
        const delay = RETRY_DELAYS_MS[attempt];
        if (permanent || delay === undefined || this.closed) {
          this.logger.warn({ event: 'email.failed', kind: mail.kind, attempt: attempt + 1, err }, 'email could not be sent');
          return;
        }
        this.logger.info({ event: 'email.retry', kind: mail.kind, attempt: attempt + 1, err }, 'email send failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
  }

  /** Waits (up to `ms`) for messages already handed over, then closes the transport. */
  async close(ms = 3000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    this.transport.close();
  }
}
