import { describe, expect, it, vi } from 'vitest';
import { createRoomRouter } from './instance.js';
import { createNotifier, preview } from './notifier.js';
import type { NotificationLike, NotificationOptions } from './notifier.js';

interface FakeNotification extends NotificationLike {
  opts: NotificationOptions;
  shown: boolean;
  closed: boolean;
  click(): void;
}

function setup(settings = { doNotDisturb: false, showPreviews: true }, supported = true) {
  const created: FakeNotification[] = [];
  let now = 0;
  const onClick = vi.fn();
  const notifier = createNotifier({
    create: (opts) => {
      let handler = () => undefined as unknown;
      const n: FakeNotification = {
        opts,
        shown: false,
        closed: false,
        show: () => void (n.shown = true),
        close: () => void (n.closed = true),
        on: (_e, l) => void (handler = l),
        click: () => void handler(),
      };
      created.push(n);
      return n;
    },
    isSupported: () => supported,
    settings: () => settings,
    onClick,
    now: () => now,
  });
  return { notifier, created, onClick, settings, advance: (ms: number) => (now += ms) };
}

const msg = (body = 'hello there', roomId = 7) => ({ roomId, roomName: 'general', senderName: 'Bob', body, isDirect: false });

describe('notifier', () => {
  it('shows room and sender in the title and a preview in the body', () => {
    const { notifier, created } = setup();
    expect(notifier.notify(msg('hi\n\n  all'))).toBe('shown');
    expect(created[0]?.opts).toEqual({ title: 'Bob in #general', body: 'hi all', silent: false });
    expect(created[0]?.shown).toBe(true);
  });

  it('titles a direct message with the sender only', () => {
    const { notifier, created } = setup();
    notifier.notify({ ...msg(), isDirect: true, roomName: 'Bob' });
    expect(created[0]?.opts.title).toBe('Bob');
  });

  it('hides the text when previews are off', () => {
    const { notifier, created } = setup({ doNotDisturb: false, showPreviews: false });
    notifier.notify(msg('secret plans'));
    expect(created[0]?.opts.body).toBe('New message');
    notifier.notify(msg('more secret plans'));
    expect(created[1]?.opts.body).toBe('2 new messages in #general');
  });

  it('shows nothing during Do Not Disturb or where notifications are unsupported', () => {
    expect(setup({ doNotDisturb: true, showPreviews: true }).notifier.notify(msg())).toBe('suppressed-dnd');
    const unsupported = setup(undefined, false);
    expect(unsupported.notifier.notify(msg())).toBe('unsupported');
    expect(unsupported.created).toHaveLength(0);
  });

  it('coalesces a burst in one room into one quiet banner with the count', () => {
    const { notifier, created, advance } = setup();
    notifier.notify(msg('1'));
    for (let i = 2; i <= 5; i++) {
      advance(1_000);
      expect(notifier.notify(msg(String(i)))).toBe('coalesced');
    }
    expect(created).toHaveLength(5);
    expect(created.slice(0, 4).every((n) => n.closed)).toBe(true);
    expect(created[4]?.opts).toEqual({ title: '#general', body: '5 new messages in #general\nBob: 5', silent: true });
  });

  it('starts a new burst after a quiet gap and keeps rooms apart', () => {
    const { notifier, advance } = setup();
    notifier.notify(msg('a', 1));
    expect(notifier.notify(msg('b', 2))).toBe('shown');
    advance(60_000);
    expect(notifier.notify(msg('c', 1))).toBe('shown');
  });

  it('routes a click to the room: window shown and focused, renderer told to open it', () => {
    const { created, notifier, onClick } = setup();
    notifier.notify(msg('x', 42));
    created[0]?.click();
    expect(onClick).toHaveBeenCalledWith(42);

    // The same wiring as main/index.ts: reveal the window, then route through the room router.
    const sent: number[] = [];
    const router = createRoomRouter((id) => sent.push(id));
    const reveal = vi.fn();
    const wired = createNotifier({
      create: () => ({ show: () => undefined, close: () => undefined, on: (_e, l) => l() }),
      isSupported: () => true,
      settings: () => ({ doNotDisturb: false, showPreviews: true }),
      onClick: (roomId) => {
        reveal();
        router.open(roomId);
      },
    });
    wired.notify(msg('x', 9)); // fake fires click at once, before the page has loaded
    expect(reveal).toHaveBeenCalled();
    expect(sent).toEqual([]);
    router.rendererReady();
    expect(sent).toEqual([9]);
  });

  it('closeAll closes open banners', () => {
    const { notifier, created } = setup();
    notifier.notify(msg('a', 1));
    notifier.notify(msg('b', 2));
    notifier.closeAll();
    expect(created.every((n) => n.closed)).toBe(true);
  });

  it('shortens long previews on code points', () => {
    const long = '😀'.repeat(300);
    const p = preview(long);
    expect(Array.from(p)).toHaveLength(180);
    expect(p.endsWith('…')).toBe(true);
  });
});
