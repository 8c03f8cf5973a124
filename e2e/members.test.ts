// Roles and names in a room's member list, live on both sides.
import { describe, expect, it } from 'vitest';
import { shot } from './browser.js';
import { account, e2eSuite, openAs, post, privateRoom, realErrors, roomRow, uniqueUsername } from './fixture.js';

const e = e2eSuite();

async function pair() {
  const [a, b] = [await account(e, 'Alice Archer', 'alice'), await account(e, 'Bob Baker', 'bob')];
  const room = await privateRoom(e, a, `Members ${uniqueUsername('r')}`, [b]);
  await post(e, b, room.id, 'Thanks Alice, see you Monday.');
  const alice = await openAs(e, a);
  const bob = await openAs(e, b, { colorScheme: 'dark' });
  await roomRow(alice.page, room.name).click();
  await roomRow(bob.page, room.name).click();
  return { alice, bob };
}

describe('members', () => {
  it('the owner makes Bob an admin, then hands the room over; both member lists follow', async () => {
    const { alice, bob } = await pair();
    await alice.page.getByRole('button', { name: 'Members', exact: true }).click();
    await bob.page.getByRole('button', { name: 'Members', exact: true }).click();
    const bobRowForBob = bob.page.locator('.member', { hasText: 'Bob Baker' });
    await alice.page.getByRole('combobox', { name: 'Role of Bob Baker' }).selectOption('admin');
    await bobRowForBob.locator('.role.admin').waitFor();
    await shot(alice.page, '13-member-roles');

    await alice.page.getByRole('combobox', { name: 'Role of Bob Baker' }).selectOption('owner');
    const confirm = alice.page.getByRole('alertdialog', { name: 'Hand over ownership' });
    await confirm.getByText('Make Bob Baker the owner of this room? You will become an admin.').waitFor();
    await shot(alice.page, '14-hand-over-confirm');
    await confirm.getByRole('button', { name: 'Hand over' }).click();
    // Bob owns the room now and may change Alice's role; Alice is an admin and no longer sees role controls.
    await bobRowForBob.locator('.role.owner').waitFor();
    expect(await bob.page.getByRole('combobox', { name: 'Role of Alice Archer' }).inputValue()).toBe('admin');
    await alice.page.locator('.member', { hasText: 'Bob Baker' }).locator('.role.owner').waitFor();
    await alice.page.locator('.member', { hasText: 'Alice Archer' }).locator('.role.admin').waitFor();
    expect(await alice.page.getByRole('combobox').count()).toBe(0);
    await shot(bob.page, '15-new-owner-dark');
    expect(realErrors(alice.errors)).toEqual([]);
    expect(realErrors(bob.errors)).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  it('Bob renames himself in the Me dialog; Alice sees the new name live on his messages and in the member list', async () => {
    const { alice, bob } = await pair();
    // Alice has the room and its member list open before the change, and does not reload.
    await alice.page.getByRole('button', { name: 'Members', exact: true }).click();
    await alice.page.locator('.member', { hasText: 'Bob Baker' }).waitFor();
    const bobsMessage = alice.page.locator('.msg', { hasText: 'Thanks Alice, see you Monday.' });
    expect(await bobsMessage.locator('.msg-sender').innerText()).toBe('Bob Baker');

    await bob.page.getByRole('button', { name: 'Me and settings' }).click();
    await bob.page.getByLabel('Display name').fill('Bobby Builder');
    await bob.page.getByRole('button', { name: 'Save', exact: true }).click();
    await bob.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await bob.page.keyboard.press('Escape');
    await bob.page.locator('.me-name', { hasText: 'Bobby Builder' }).waitFor(); // his own header, at once

    await bobsMessage.locator('.msg-sender', { hasText: 'Bobby Builder' }).waitFor();
    expect(await bobsMessage.getAttribute('aria-label')).toMatch(/^Bobby Builder, /);
    await alice.page.locator('.member', { hasText: 'Bobby Builder' }).waitFor();
    expect(await alice.page.getByText('Bob Baker', { exact: true }).count()).toBe(0); // no old name left anywhere
    // Replying to one of his earlier messages names him as he is now.
    await bobsMessage.hover();
    await shot(alice.page, '18-hover-toolbar');
    await bobsMessage.getByRole('button', { name: 'Reply' }).click();
    await alice.page.locator('.reply-bar', { hasText: 'Replying to Bobby Builder' }).waitFor();
    await alice.page.mouse.move(600, 120); // off the rows, so no hover toolbar covers the names
    await shot(alice.page, '19-renamed-live');
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});
