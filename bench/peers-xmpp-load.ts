// Child-process entry of the XMPP load generator for bench/peers.ts: the same design as bench/realtime-load.ts
// (groups of clients, fan-out at a fixed rate with the send time in the body, ack-paced durable sends), with
// @xmpp/client over plain TCP. A MUC message's "ack" is the room's echo of it to the sender: both ejabberd and
// Prosody archive a groupchat message (mod_mam / mod_muc_mam, synchronous SQL insert) before they broadcast it,
// so the echo, like our ack, means "stored and sent to the room".
import { client, xml, type Client } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { LatencyHistogram, nowMs, serveIpc, sleep } from './realtime-common.js';
import type { ConnectResult, DurableResult, FanoutResult } from './realtime-load.js';

export type XmppLoadCommand =
  | {
      cmd: 'connect';
      group: string;
      port: number;
      domain: string;
      password: string;
      users: string[];
      /** The MUC room (bare JID) each user joins, or none for an idle connection. */
      rooms: (string | null)[];
      concurrency: number;
    }
  | { cmd: 'fanout'; senders: string; receivers: string; room: string; rate: number; durationMs: number; drainMs: number; tag: string }
  | { cmd: 'durable'; group: string; durationMs: number }
  | { cmd: 'close'; group: string };

export interface XmppLoadResults {
  connect: ConnectResult;
  fanout: FanoutResult;
  durable: DurableResult;
  close: null;
}

interface Member {
  xmpp: Client;
  nick: string;
  room: string | null;
  /** Waiting for the echo of a body this client sent. */
  echoes: Map<string, () => void>;
}

const describe = (err: unknown) =>
  err instanceof Error ? `${err.name} ${(err as { condition?: string }).condition ?? ''} ${err.message}`.trim() : String(err);

const groups = new Map<string, Member[]>();
let phase: { tag: string; hist: LatencyHistogram; delivered: number; lastAt: number } | undefined;

function onGroupchat(m: Member, stanza: Element, receiver: boolean): void {
  if (!stanza.is('message') || stanza.attrs['type'] !== 'groupchat') return;
  const body = stanza.getChildText('body');
  if (body === null) return;
  const from = String(stanza.attrs['from'] ?? '');
  if (from.endsWith(`/${m.nick}`)) {
    const done = m.echoes.get(body);
    if (done) {
      m.echoes.delete(body);
      done();
    }
    return;
  }
  if (!receiver) return;
  const p = phase;
  if (!p) return;
  const bar = body.indexOf('|');
  if (bar < 0 || body.slice(0, bar) !== p.tag) return;
  const now = nowMs();
  p.hist.add(now - Number(body.slice(bar + 1).split('|')[0]));
  p.delivered += 1;
  p.lastAt = now;
}

async function join(m: Member): Promise<void> {
  if (!m.room) return;
  const room = m.room;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no self-presence from ${room} within 60 s`)), 60_000);
    const onStanza = (s: Element) => {
      if (!s.is('presence') || s.attrs['from'] !== `${room}/${m.nick}`) return;
      if (s.attrs['type'] === 'error') {
        clearTimeout(timer);
        m.xmpp.removeListener('stanza', onStanza);
        reject(new Error(`join ${room}: ${s.toString().slice(0, 300)}`));
        return;
      }
      clearTimeout(timer);
      m.xmpp.removeListener('stanza', onStanza);
      resolve();
    };
    m.xmpp.on('stanza', onStanza);
    void m.xmpp.send(
      xml(
        'presence',
        { to: `${room}/${m.nick}` },
        xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, xml('history', { maxstanzas: '0' })),
      ),
    );
  });
}

async function connect(c: Extract<XmppLoadCommand, { cmd: 'connect' }>): Promise<ConnectResult> {
  const list = groups.get(c.group) ?? [];
  groups.set(c.group, list);
  const started = nowMs();
  let connected = 0;
  let failed = 0;
  let firstError: string | null = null;
  const receiver = c.group.startsWith('recv');
  const made = new Array<Member | undefined>(c.users.length);
  const one = async (i: number) => {
    const username = c.users[i]!;
    // SASL PLAIN: no key stretching per login on either side, as our sockets authenticate with a token (a password
    // is stretched once, at login over REST, which is set-up here, not measured).
    const xmpp = client({
      service: `xmpp://127.0.0.1:${c.port}`,
      domain: c.domain,
      resource: `${c.group}-${i}`,
      timeout: 60_000,
      // The typings leave out authenticate's second argument (the mechanism), which @xmpp/client 0.14 takes.
      credentials: ((authenticate: (creds: { username: string; password: string }, mechanism: string) => Promise<void>) =>
        authenticate({ username, password: c.password }, 'PLAIN')) as never,
    });
    xmpp.reconnect.stop();
    const m: Member = { xmpp, nick: `${username}-${c.group}`, room: c.rooms[i] ?? null, echoes: new Map() };
    xmpp.on('error', (err: Error) => {
      firstError ??= describe(err);
    });
    xmpp.on('stanza', (s: Element) => onGroupchat(m, s, receiver));
    try {
      await xmpp.start();
      await join(m);
      made[i] = m;
      connected += 1;
    } catch (err) {
      failed += 1;
      firstError ??= describe(err);
      await xmpp.stop().catch(() => undefined);
    }
  };
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= c.users.length) return;
      await one(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(c.concurrency, c.users.length) }, worker));
  for (const m of made) if (m) list.push(m);
  return { connected, failed, firstError, ms: nowMs() - started };
}

function members(name: string): Member[] {
  const g = groups.get(name);
  if (!g || g.length === 0) throw new Error(`no clients in group ${name}`);
  return g;
}

/** Sends `body` to the member's room and resolves on its echo (null after 30 s). */
function sendAndEcho(m: Member, body: string): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      m.echoes.delete(body);
      resolve(false);
    }, 30_000);
    m.echoes.set(body, () => {
      clearTimeout(timer);
      resolve(true);
    });
    void m.xmpp.send(xml('message', { to: m.room!, type: 'groupchat' }, xml('body', {}, body))).catch(() => undefined);
  });
}

async function fanout(c: Extract<XmppLoadCommand, { cmd: 'fanout' }>): Promise<FanoutResult> {
  const senders = members(c.senders);
  const receivers = members(c.receivers).length;
  const total = Math.max(1, Math.round((c.rate * c.durationMs) / 1000));
  const hist = new LatencyHistogram();
  const ackHist = new LatencyHistogram();
  const p = { tag: c.tag, hist, delivered: 0, lastAt: 0 };
  phase = p;
  let sent = 0;
  let acked = 0;
  let ackErrors = 0;
  const start = nowMs();
  let lastSendAt = start;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((nowMs() - start) * c.rate) / 1000) + 1);
      while (sent < due) {
        const m = senders[sent % senders.length]!;
        const t = nowMs();
        void sendAndEcho(m, `${c.tag}|${t}|${sent}`).then((ok) => {
          ackHist.add(nowMs() - t);
          if (ok) acked += 1;
          else ackErrors += 1;
        });
        sent += 1;
      }
      lastSendAt = nowMs();
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + (sent * 1000) / c.rate - nowMs()));
    };
    tick();
  });
  const expected = total * receivers;
  const deadline = nowMs() + c.drainMs;
  while ((p.delivered < expected || acked + ackErrors < sent) && nowMs() < deadline) await sleep(5);
  phase = undefined;
  const span = Math.max(lastSendAt, p.lastAt) - start;
  return {
    rate: c.rate,
    sent,
    sentPerSec: (sent * 1000) / Math.max(1, lastSendAt - start + 1000 / c.rate),
    acked,
    ackErrors,
    firstError: ackErrors ? 'no echo within the drain' : null,
    receivers,
    expected,
    delivered: p.delivered,
    deliveredPerSec: (p.delivered * 1000) / Math.max(1, span),
    latency: hist.summary(),
    ack: ackHist.summary(),
    reactionsSent: 0,
    reactionsDelivered: 0,
  };
}

let durableRuns = 0;

async function durable(c: Extract<XmppLoadCommand, { cmd: 'durable' }>): Promise<DurableResult> {
  const list = members(c.group);
  const hist = new LatencyHistogram();
  const errors: Record<string, number> = {};
  let acked = 0;
  const start = nowMs();
  const end = start + c.durationMs;
  const run = `r${++durableRuns}`;
  // The same chat-sized body as bench/realtime-load.ts's durable sends.
  const text = 'please review the release notes before the meeting 我们明天下午三点开会讨论发布计划';
  await Promise.all(
    list.map(async (m, index) => {
      for (let n = 0; nowMs() < end; n++) {
        const t = nowMs();
        const ok = await sendAndEcho(m, `durable ${run} ${index} ${n} ${text}`);
        hist.add(nowMs() - t);
        if (ok) acked += 1;
        else errors['ECHO_TIMEOUT'] = (errors['ECHO_TIMEOUT'] ?? 0) + 1;
      }
    }),
  );
  return { clients: list.length, acked, errors, ack: hist.summary(), elapsedMs: nowMs() - start };
}

async function close(name: string): Promise<null> {
  const list = groups.get(name) ?? [];
  groups.delete(name);
  await Promise.all(list.map((m) => m.xmpp.stop().catch(() => undefined)));
  return null;
}

// @xmpp/client lets go of its socket's listeners while it stops; a server resetting the connection at that moment (a
// thousand idle clients closing at once) would otherwise end this process with an unhandled 'error'.
process.on('uncaughtException', (err: NodeJS.ErrnoException) => {
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return;
  throw err;
});

serveIpc<XmppLoadCommand>(async (c) => {
  switch (c.cmd) {
    case 'connect':
      return connect(c);
    case 'fanout':
      return fanout(c);
    case 'durable':
      return durable(c);
    case 'close':
      return close(c.group);
  }
});
