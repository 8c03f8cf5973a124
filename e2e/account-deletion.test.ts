// What a person sees when a colleague's account is deleted and when an administrator archives a room: the
// messages stay, signed "Deleted user"; the direct room stays readable and says it is archived instead of
// offering a composer. Both change live, without a reload.
import { describe, expect, it } from 'vitest';
import { shot } from './browser.js';
import { account, call, e2eSuite, openAs, post, privateRoom, realErrors, roomRow, uniqueUsername } from './fixture.js';

const e = e2eSuite();
let admin: Awaited<ReturnType<typeof account>> | undefined;
const administrator = async () => (admin ??= await account(e, 'Root', 'root'));

describe('deleted accounts and archived rooms', () => {
  it('Carol deletes her account: Bob sees her messages signed "Deleted user" and their direct room read-only', async () => {
    await administrator();
    const [b, c] = [await account(e, 'Bob Baker', 'bob'), await account(e, 'Carol Cook', 'carol')];
    const room = await privateRoom(e, b, `Team ${uniqueUsername('r')}`, [c]);
    await post(e, c, room.id, 'Handing over my notes before I go.');
    const direct = await call<{ id: number }>(e, c, 'POST', '/rooms/direct', { userId: b.id });
    await post(e, c, direct.id, 'Bye Bob!');
    const bob = await openAs(e, b);
    await roomRow(bob.page, room.name).click();
    const note = bob.page.locator('.msg', { hasText: 'Handing over my notes before I go.' });
    expect(await note.locator('.msg-sender').innerText()).toBe('Carol Cook');

    await call(e, c, 'DELETE', '/users/me', { password: c.password });
    // Live: the sender's name changes on the open room, and the direct room in the list is named for it.
    await note.locator('.msg-sender', { hasText: 'Deleted user' }).waitFor();
    await bob.page.locator('.msg.system', { hasText: 'Deleted user left' }).waitFor();
    const row = bob.page.locator(`.room-row[data-room-id="${direct.id}"] .room-name`, { hasText: 'Deleted user' });
    await row.waitFor();
    await row.click();
    await bob.page.locator('.msg', { hasText: 'Bye Bob!' }).waitFor();
    await bob.page.getByRole('status').filter({ hasText: 'This room is archived.' }).waitFor();
    expect(await bob.page.getByRole('textbox', { name: /^message$/i }).count()).toBe(0);
    await shot(bob.page, 'deleted-user-direct-room');
    expect(realErrors(bob.errors)).toEqual([]);
    await bob.context.close();
  });

  it('an administrator archives a room while Dan has it open: the composer gives way to the archived line (中文 too)', async () => {
    const root = await administrator();
    const d = await account(e, 'Dan Dale', 'dan');
    const room = await privateRoom(e, d, `Archive ${uniqueUsername('r')}`, []);
    await post(e, d, room.id, 'Last words.');
    const dan = await openAs(e, d, { locale: 'zh-CN' });
    await roomRow(dan.page, room.name).click();
    const box = dan.page.getByRole('textbox', { name: /^消息$/ });
    await box.waitFor();
    await call(e, root, 'PATCH', `/admin/rooms/${room.id}`, { archived: true });
    await dan.page.getByRole('status').filter({ hasText: '此房间已归档。' }).waitFor();
    await box.waitFor({ state: 'detached' });
    await dan.page.locator('.msg', { hasText: 'Last words.' }).waitFor();
    await call(e, root, 'PATCH', `/admin/rooms/${room.id}`, { archived: false });
    await box.waitFor();
    expect(realErrors(dan.errors)).toEqual([]);
    await dan.context.close();
  });
});
