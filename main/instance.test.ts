import { describe, expect, it, vi } from 'vitest';
import { parseDeepLink } from '../protocol/desktop.js';
import { claimSingleInstance, createRoomRouter, findDeepLink } from './instance.js';
import type { InstanceDeps } from './instance.js';

describe('deep links', () => {
  it('parses messenger://room/<id>', () => {
    expect(parseDeepLink('messenger://room/42')).toEqual({ roomId: 42 });
    expect(parseDeepLink('messenger://room/42/')).toEqual({ roomId: 42 });
    expect(parseDeepLink('MESSENGER://room/7')).toEqual({ roomId: 7 });
    // The renderer's route grammar (#/rooms/<id>, #/rooms/<id>/messages/<seq>) works as a deep link too.
    expect(parseDeepLink('messenger://rooms/42')).toEqual({ roomId: 42 });
    expect(parseDeepLink('messenger://rooms/42/messages/9')).toEqual({ roomId: 42 });
    for (const bad of [
      'messenger://room/0',
      'messenger://room/-1',
      'messenger://room/1e3',
      'messenger://room/abc',
      'messenger://user/1',
      'https://room/1',
      'messenger://room/99999999999999999',
      'messenger://room/1?x=1',
      'messenger://',
      'messenger://rooms/4/messages/0',
    ]) {
      expect(parseDeepLink(bad)).toBeNull();
    }
  });

  it('finds the link among command-line arguments', () => {
    expect(findDeepLink(['/opt/Messenger/messenger', '--hidden', 'messenger://room/5'])).toEqual({ roomId: 5 });
    expect(findDeepLink(['/opt/Messenger/messenger', '--flag=messenger://room/5'])).toBeNull();
  });
});

function deps(lock: boolean) {
  let second: ((argv: string[]) => void) | undefined;
  let openUrl: ((url: string) => void) | undefined;
  const d = {
    requestSingleInstanceLock: () => lock,
    quit: vi.fn(),
    onSecondInstance: (l: (argv: string[]) => void) => void (second = l),
    onOpenUrl: (l: (url: string) => void) => void (openUrl = l),
    reveal: vi.fn(),
    openRoom: vi.fn(),
  } satisfies InstanceDeps;
  return { d, second: (argv: string[]) => second?.(argv), openUrl: (u: string) => openUrl?.(u) };
}

describe('single instance', () => {
  it('a second instance quits at once', () => {
    const t = deps(false);
    expect(claimSingleInstance(t.d, ['x', 'messenger://room/3'])).toEqual({ primary: false, initialRoom: null });
    expect(t.d.quit).toHaveBeenCalled();
  });

  it('the first instance reveals itself and opens the room the second launch carried', () => {
    const t = deps(true);
    expect(claimSingleInstance(t.d, ['x', 'messenger://room/3'])).toEqual({ primary: true, initialRoom: 3 });
    t.second(['x']);
    expect(t.d.reveal).toHaveBeenCalledTimes(1);
    expect(t.d.openRoom).not.toHaveBeenCalled();
    t.second(['x', 'messenger://room/11']);
    expect(t.d.openRoom).toHaveBeenCalledWith(11);
    t.openUrl('messenger://room/12');
    expect(t.d.openRoom).toHaveBeenLastCalledWith(12);
    expect(t.d.reveal).toHaveBeenCalledTimes(3);
  });

  it('holds a room link until the renderer has loaded', () => {
    const sent: number[] = [];
    const r = createRoomRouter((id) => sent.push(id));
    r.open(1);
    r.open(2);
    expect(sent).toEqual([]);
    r.rendererReady();
    expect(sent).toEqual([2]);
    r.open(3);
    expect(sent).toEqual([2, 3]);
    r.rendererGone();
    r.open(4);
    expect(sent).toEqual([2, 3]);
  });
});
