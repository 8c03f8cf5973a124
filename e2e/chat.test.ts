// Two people register, one creates a private room with the other, and they chat in real time.
import { describe, expect, it } from 'vitest';
import { newPerson, registerViaUi, shot } from './browser.js';
import { bodies, e2eSuite, realErrors, roomRow, send, uniqueUsername } from './fixture.js';

const e = e2eSuite();

describe('two people chat in a private room', () => {
  it('both register from the login screen, a room is created with the picker, and they chat; unread rises and clears', async () => {
    const ROOM = `Project X ${uniqueUsername('r')}`;
    const alice = await newPerson(e.browser, e.server.url);
    const bob = await newPerson(e.browser, e.server.url, { colorScheme: 'dark' });
    await alice.page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shot(alice.page, '01-login');
    const bobName = uniqueUsername('bob');
    await registerViaUi(alice.page, uniqueUsername('alice'), 'Alice Archer');
    await registerViaUi(bob.page, bobName, 'Bob Baker');
    await shot(alice.page, '02-empty-room-list');

    const { page } = alice;
    await page.getByRole('button', { name: 'New room' }).click();
    await page.getByLabel('Name').fill(ROOM);
    await page.getByLabel('Description').fill('Planning the launch');
    await page.getByLabel('Add people').fill(bobName);
    await page.locator('.picker-row', { hasText: 'Bob Baker' }).click();
    await shot(page, '03-create-room');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: ROOM }).waitFor();
    // The new room is open and ready to write in: the caret is in its composer, not back on the button that opened the form.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id ?? '')).toMatch(/^composer-/);
    await roomRow(bob.page, ROOM).waitFor();

    await send(alice.page, 'Hello Bob, welcome to the project!');
    await send(alice.page, 'The kickoff is on Monday.');
    // Bob has not opened the room: two unread.
    await expect.poll(() => roomRow(bob.page, ROOM).innerText()).toContain('2 unread');
    expect(await bob.page.title()).toBe('(2) Messenger');
    await shot(bob.page, '04-unread-dark');
    await roomRow(bob.page, ROOM).click();
    await bob.page.locator('.msg-body', { hasText: 'The kickoff is on Monday.' }).waitFor();
    await expect.poll(() => roomRow(bob.page, ROOM).innerText()).not.toContain('unread');
    await expect.poll(() => bob.page.title()).toBe('Messenger');
    await send(bob.page, 'Thanks Alice, see you Monday.');
    await alice.page.locator('.msg-body', { hasText: 'Thanks Alice, see you Monday.' }).waitFor();
    expect(await bodies(alice.page)).toEqual([
      'Hello Bob, welcome to the project!',
      'The kickoff is on Monday.',
      'Thanks Alice, see you Monday.',
    ]);
    await bob.page.getByText('Alice Archer', { exact: true }).first().waitFor();
    await shot(alice.page, '05-room-light');
    await shot(bob.page, '06-room-dark');
    expect(realErrors(alice.errors)).toEqual([]);
    expect(realErrors(bob.errors)).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});
