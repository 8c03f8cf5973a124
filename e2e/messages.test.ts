// Edit, recall and reply, seen on the other side.
import { describe, it, expect } from 'vitest';
import { shot } from './browser.js';
import { account, e2eSuite, openAs, post, privateRoom, realErrors, roomRow, send, uniqueUsername } from './fixture.js';

const e = e2eSuite();

async function pair() {
  const [a, b] = [await account(e, 'Alice Archer', 'alice'), await account(e, 'Bob Baker', 'bob')];
  const room = await privateRoom(e, a, `Messages ${uniqueUsername('r')}`, [b]);
  await post(e, a, room.id, 'Hello Bob, welcome to the project!');
  await post(e, a, room.id, 'The kickoff is on Monday.');
  await post(e, a, room.id, 'Bring the slides.');
  const alice = await openAs(e, a);
  const bob = await openAs(e, b, { colorScheme: 'dark' });
  await roomRow(alice.page, room.name).click();
  await roomRow(bob.page, room.name).click();
  await bob.page.locator('.msg-body', { hasText: 'Bring the slides.' }).waitFor();
  return { alice, bob };
}

describe('message actions', () => {
  it('edit and recall show on the other side', async () => {
    const { alice, bob } = await pair();
    const { page } = alice;
    const target = page.locator('.msg.own', { hasText: 'The kickoff is on Monday.' });
    await target.hover();
    await target.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('textbox', { name: 'Edit message' });
    await edit.fill('The kickoff moved to Tuesday.');
    await edit.press('Enter');
    await bob.page.locator('.msg', { hasText: 'The kickoff moved to Tuesday.' }).locator('.edited').waitFor();

    const gone = page.locator('.msg.own', { hasText: 'Bring the slides.' });
    await gone.hover();
    await gone.getByRole('button', { name: 'Recall' }).click();
    await gone.getByRole('button', { name: 'Recall' }).click(); // confirm
    await bob.page.locator('.msg').getByText('This message was recalled').waitFor();
    expect(await bob.page.locator('.msg-body', { hasText: 'Bring the slides.' }).count()).toBe(0);
    await shot(bob.page, '08-edited-recalled-dark');
    expect(realErrors(alice.errors)).toEqual([]);
    expect(realErrors(bob.errors)).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  it('reply with a quote of the original', async () => {
    const { alice, bob } = await pair();
    const target = bob.page.locator('.msg', { hasText: 'Hello Bob, welcome' });
    await target.hover();
    await target.getByRole('button', { name: 'Reply' }).click();
    await send(bob.page, 'Glad to be here');
    await alice.page.locator('.msg', { hasText: 'Glad to be here' }).locator('.quote', { hasText: 'Hello Bob, welcome' }).waitFor();
    await shot(alice.page, '09-reply');
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});
