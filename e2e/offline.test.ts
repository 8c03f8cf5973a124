// Going offline and coming back: nothing lost, nothing doubled, and what changed meanwhile shows.
import { describe, expect, it } from 'vitest';
import { shot } from './browser.js';
import { account, bodies, e2eSuite, openAs, post, privateRoom, realErrors, roomRow, send, uniqueUsername } from './fixture.js';

const e = e2eSuite();

async function pair() {
  const [a, b] = [await account(e, 'Alice Archer', 'alice'), await account(e, 'Bob Baker', 'bob')];
  const room = await privateRoom(e, a, `Offline ${uniqueUsername('r')}`, [b]);
  const alice = await openAs(e, a);
  const bob = await openAs(e, b, { colorScheme: 'dark' });
  await roomRow(alice.page, room.name).click();
  await roomRow(bob.page, room.name).click();
  return { a, b, room, alice, bob };
}

describe('offline and back', () => {
  it('messages sent while Bob is offline arrive once and in order; what he wrote offline is sent once', async () => {
    const { alice, bob } = await pair();
    await bob.context.setOffline(true);
    // Also force the socket down: Chromium's offline emulation does not always close an open WebSocket.
    await bob.page.evaluate(() => window.dispatchEvent(new Event('offline')));
    for (let i = 1; i <= 5; i += 1) await send(alice.page, `While you were away ${i}`);
    await alice.page.locator('.msg:not(.pending) .msg-body', { hasText: 'While you were away 5' }).waitFor();
    // Bob writes while offline: it waits in the outbox.
    await send(bob.page, 'Written offline');
    await bob.page.locator('.msg.pending', { hasText: 'Written offline' }).waitFor();
    await shot(bob.page, '07-offline-pending');
    await bob.context.setOffline(false);
    await bob.page.locator('.msg:not(.pending) .msg-body', { hasText: 'Written offline' }).waitFor({ timeout: 30_000 });
    await bob.page.locator('.msg-body', { hasText: 'While you were away 5' }).waitFor();
    const seen = (await bodies(bob.page)).filter((b) => b.startsWith('While you were away'));
    expect(seen).toEqual([1, 2, 3, 4, 5].map((i) => `While you were away ${i}`));
    await alice.page.locator('.msg-body', { hasText: 'Written offline' }).waitFor();
    expect((await bodies(alice.page)).filter((b) => b === 'Written offline')).toHaveLength(1);
    expect(realErrors(alice.errors)).toEqual([]);
    expect(realErrors(bob.errors)).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  it('a rename Alice missed while offline shows on his older messages once she reconnects', async () => {
    const { b, room, alice, bob } = await pair();
    await post(e, b, room.id, 'Thanks Alice, see you Monday.');
    const bobsMessage = alice.page.locator('.msg', { hasText: 'Thanks Alice, see you Monday.' });
    await bobsMessage.waitFor();
    // Alice's message is the newest, so the room list she fetches on reconnect does not carry Bob's new name.
    await send(alice.page, 'Talk soon.');
    await alice.page.locator('.msg:not(.pending) .msg-body', { hasText: 'Talk soon.' }).waitFor();
    await alice.page.context().setOffline(true);
    await alice.page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await bob.page.getByRole('button', { name: 'Me and settings' }).click();
    await bob.page.getByLabel('Display name').fill('Robert Baker');
    await bob.page.getByRole('button', { name: 'Save', exact: true }).click();
    await bob.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await bob.page.keyboard.press('Escape');
    await alice.page.context().setOffline(false);
    await bobsMessage.locator('.msg-sender', { hasText: 'Robert Baker' }).waitFor({ timeout: 30_000 });
    expect(await alice.page.getByText('Bob Baker', { exact: true }).count()).toBe(0);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});
