// Who can find a room, and what its settings do for everyone in it.
import { describe, expect, it } from 'vitest';
import { registerViaUi, shot, newPerson } from './browser.js';
import { account, call, e2eSuite, openAs, privateRoom, realErrors, roomRow, uniqueUsername } from './fixture.js';

const e = e2eSuite();

describe('rooms', () => {
  it('a third person cannot find a private room', async () => {
    const [a, b] = [await account(e, 'Alice Archer', 'alice'), await account(e, 'Bob Baker', 'bob')];
    const room = await privateRoom(e, a, `Project ${uniqueUsername('r')}`, [b]);
    const carol = await newPerson(e.browser, e.server.url);
    await registerViaUi(carol.page, uniqueUsername('carol'), 'Carol Chen');
    await carol.page.getByRole('button', { name: 'Browse public rooms' }).click();
    await carol.page.getByRole('searchbox', { name: 'Search public rooms' }).fill('Project');
    await carol.page.getByText('No public rooms found.').waitFor();
    expect(await roomRow(carol.page, room.name).count()).toBe(0);
    const status = await carol.page.evaluate(async (id) => (await fetch(`/api/rooms/${id}`)).status, room.id);
    expect(status).toBe(401); // and with her token the API says 404 (covered by the server tests)
    await carol.context.close();
  });

  it('room settings: a bad name is refused in place, an admin renames the room for everyone, mute, the owner deletes it', async () => {
    const [a, b] = [await account(e, 'Alice Archer', 'alice'), await account(e, 'Bob Baker', 'bob')];
    const room = await privateRoom(e, b, `Settings ${uniqueUsername('r')}`, [a]); // Bob owns it
    await call(e, b, 'PATCH', `/rooms/${room.id}/members/${a.id}`, { role: 'admin' });
    const RENAMED = `Launch ${uniqueUsername('r')}`;
    const alice = await openAs(e, a);
    const bob = await openAs(e, b, { colorScheme: 'dark' });
    await roomRow(alice.page, room.name).click();
    await roomRow(bob.page, room.name).click();
    const { page } = alice;
    await page.getByRole('button', { name: 'Room settings' }).click();
    const panel = page.getByRole('complementary', { name: 'Room settings' });
    await panel.getByLabel('Name').fill('   ');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.locator('.field-error').waitFor();
    expect(await panel.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await panel.getByLabel('Name').fill(RENAMED);
    await panel.getByLabel('Description').fill('Launch is on Monday');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.getByRole('heading', { name: RENAMED }).waitFor();
    await roomRow(bob.page, RENAMED).waitFor(); // live on the other side
    await bob.page.getByRole('heading', { name: RENAMED }).waitFor();
    expect(await roomRow(bob.page, room.name).count()).toBe(0);

    await panel.getByLabel('Mute notifications').check();
    await expect.poll(() => roomRow(page, RENAMED).innerText()).toContain('Muted');
    await roomRow(page, RENAMED).locator('.room-muted').waitFor(); // seen in the list, not only heard by a screen reader
    await shot(page, '20-room-settings');
    expect(await panel.getByRole('button', { name: 'Delete room' }).count()).toBe(0); // only the owner may

    await bob.page.getByRole('button', { name: 'Room settings' }).click();
    const bobsPanel = bob.page.getByRole('complementary', { name: 'Room settings' });
    await bobsPanel.getByRole('button', { name: 'Delete room' }).click();
    await bobsPanel.getByRole('alertdialog').getByRole('button', { name: 'Delete room' }).click();
    await expect.poll(() => roomRow(bob.page, RENAMED).count()).toBe(0);
    await expect.poll(() => roomRow(page, RENAMED).count()).toBe(0); // gone for Alice too, while she was in it
    expect(await page.getByRole('heading', { name: RENAMED }).count()).toBe(0);
    expect(realErrors(alice.errors)).toEqual([]);
    expect(realErrors(bob.errors)).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});
