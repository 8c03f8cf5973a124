// Web notifications: a tab that is open on the room but hidden behind another tab still notifies, because nobody is
// looking at it. The page's own Notification is wrapped only to record what it was asked to show.
import { describe, expect, it } from 'vitest';
import { account, e2eSuite, openAs, post, privateRoom, realErrors, roomRow, uniqueUsername } from './fixture.js';

const e = e2eSuite();

declare global {
  interface Window {
    shownNotifications?: { title: string; body: string }[];
  }
}

describe('web notifications', () => {
  it('a hidden tab notifies for a new message in the room it has open', async () => {
    const [a, b] = [await account(e, 'Alice Archer', 'alice'), await account(e, 'Bob Baker', 'bob')];
    const room = await privateRoom(e, a, `Notify ${uniqueUsername('r')}`, [b]);
    const bob = await openAs(e, b, { permissions: ['notifications'] });
    await bob.context.addInitScript(() => {
      const Real = window.Notification;
      const shown: { title: string; body: string }[] = [];
      window.shownNotifications = shown;
      class Recorded extends Real {
        constructor(title: string, options?: NotificationOptions) {
          shown.push({ title, body: options?.body ?? '' });
          super(title, options);
        }
      }
      Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
    });
    await bob.page.reload(); // the session survives (HttpOnly cookie); the recorder is now in place
    await roomRow(bob.page, room.name).click();
    await bob.page.getByRole('heading', { name: room.name }).waitFor();
    expect(await bob.page.evaluate(() => Notification.permission)).toBe('granted');

    // Another tab comes to the front: this one is hidden.
    await bob.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('blur'));
    });
    await post(e, a, room.id, 'Are you there?');
    await bob.page.locator('.msg-body', { hasText: 'Are you there?' }).waitFor();
    await expect
      .poll(() => bob.page.evaluate(() => window.shownNotifications ?? []))
      .toEqual([{ title: room.name, body: 'Alice Archer: Are you there?' }]);
    expect(realErrors(bob.errors)).toEqual([]);
    await bob.context.close();
  });
});
