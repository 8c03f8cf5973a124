// The scenario, end to end in Chromium against the real server and the built web client.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../server/test/harness.js';
import { launchBrowser, newPerson, registerViaUi, shot, startServer } from './browser.js';

let server: TestServer;
let browser: Browser;
const suffix = Date.now().toString(36).slice(-5);
const ROOM = `Project X ${suffix}`;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const roomRow = (page: Page, name: string) => page.locator('.room-row', { hasText: name });
const bodies = (page: Page) => page.locator('.msg:not(.pending) .msg-body').allInnerTexts();

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: /^message$|^消息$/i });
  await box.fill(text);
  await box.press('Enter');
}

describe('two people chat in a private room', () => {
  let alice: Awaited<ReturnType<typeof newPerson>>;
  let bob: Awaited<ReturnType<typeof newPerson>>;

  it('both register; the login screen is shown first', async () => {
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url, { colorScheme: 'dark' });
    await alice.page.getByRole('heading', { name: 'Log in' }).waitFor();
    await shot(alice.page, '01-login');
    await registerViaUi(alice.page, `alice_${suffix}`, 'Alice Archer');
    await registerViaUi(bob.page, `bob_${suffix}`, 'Bob Baker');
    await shot(alice.page, '02-empty-room-list');
  });

  it('Alice creates a private room with Bob, and it appears for Bob', async () => {
    const { page } = alice;
    await page.getByRole('button', { name: 'New room' }).click();
    await page.getByLabel('Name').fill(ROOM);
    await page.getByLabel('Description').fill('Planning the launch');
    await page.getByLabel('Add people').fill('bob_');
    await page.locator('.picker-row', { hasText: 'Bob Baker' }).click();
    await shot(page, '03-create-room');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: ROOM }).waitFor();
    await roomRow(bob.page, ROOM).waitFor();
  });

  it('they chat both ways in real time; unread counts rise and clear', async () => {
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
  });

  it('Bob goes offline; messages sent meanwhile arrive once and in order after reconnect', async () => {
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
  });

  it('edit and recall show on the other side', async () => {
    const { page } = alice;
    const target = page.locator('.msg.own', { hasText: 'The kickoff is on Monday.' });
    await target.hover();
    await target.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('textbox', { name: 'Edit message' });
    await edit.fill('The kickoff moved to Tuesday.');
    await edit.press('Enter');
    await bob.page.locator('.msg', { hasText: 'The kickoff moved to Tuesday.' }).locator('.edited').waitFor();

    const gone = page.locator('.msg.own', { hasText: 'While you were away 3' });
    await gone.hover();
    await gone.getByRole('button', { name: 'Recall' }).click();
    await gone.getByRole('button', { name: 'Recall' }).click(); // confirm
    await bob.page.getByText('This message was recalled').waitFor();
    expect(await bob.page.locator('.msg-body', { hasText: 'While you were away 3' }).count()).toBe(0);
    await shot(bob.page, '08-edited-recalled-dark');
  });

  it('reply with a quote of the original', async () => {
    const target = bob.page.locator('.msg', { hasText: 'Hello Bob, welcome' });
    await target.hover();
    await target.getByRole('button', { name: 'Reply' }).click();
    await send(bob.page, 'Glad to be here');
    await alice.page.locator('.msg', { hasText: 'Glad to be here' }).locator('.quote', { hasText: 'Hello Bob, welcome' }).waitFor();
    await shot(alice.page, '09-reply');
  });

  it('the owner makes Bob an admin, then hands the room over; both member lists follow', async () => {
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
    await alice.page.getByRole('button', { name: 'Members', exact: true }).click();
    await bob.page.getByRole('button', { name: 'Members', exact: true }).click();
  });

  it('Bob renames himself in the Me dialog; Alice sees the new name live on his messages and in the member list', async () => {
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
    await alice.page.getByRole('button', { name: 'Cancel reply' }).click();
    await alice.page.getByRole('button', { name: 'Members', exact: true }).click();
  });

  it('a rename Alice missed while offline shows on his older messages once she reconnects', async () => {
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
    const bobsMessage = alice.page.locator('.msg', { hasText: 'Thanks Alice, see you Monday.' });
    await bobsMessage.locator('.msg-sender', { hasText: 'Robert Baker' }).waitFor({ timeout: 30_000 });
    expect(await alice.page.getByText('Bobby Builder', { exact: true }).count()).toBe(0);
  });

  it('a third person cannot find the private room', async () => {
    const carol = await newPerson(browser, server.url);
    await registerViaUi(carol.page, `carol_${suffix}`, 'Carol Chen');
    await carol.page.getByRole('button', { name: 'Browse public rooms' }).click();
    await carol.page.getByRole('searchbox', { name: 'Search public rooms' }).fill('Project');
    await carol.page.getByText('No public rooms found.').waitFor();
    expect(await roomRow(carol.page, ROOM).count()).toBe(0);
    const status = await carol.page.evaluate(async () => (await fetch('/api/rooms/1')).status);
    expect(status).toBe(401); // and with her token the API says 404 (covered by the server tests)
    await carol.context.close();
  });

  it('themes follow the system, and an explicit choice overrides it', async () => {
    const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background(alice.page)).toBe('rgb(255, 255, 255)'); // light system
    expect(await background(bob.page)).toBe('rgb(23, 25, 29)'); // dark system
    await alice.page.getByRole('button', { name: 'Me and settings' }).click();
    await alice.page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => background(alice.page)).toBe('rgb(23, 25, 29)');
    await alice.page.getByLabel('Theme').selectOption('light');
    await expect.poll(() => background(alice.page)).toBe('rgb(255, 255, 255)');
    await alice.page.getByLabel('Theme').selectOption('system');
    await alice.page.keyboard.press('Escape');
  });

  it('the Me dialog shows profile, sessions and preferences', async () => {
    await alice.page.getByRole('button', { name: 'Me and settings' }).click();
    await alice.page.getByRole('heading', { name: 'Active sessions' }).waitFor();
    await alice.page.getByText('This device').waitFor();
    await shot(alice.page, '10-me');
    await alice.page.keyboard.press('Escape');
  });

  it('room settings: a bad name is refused in place, an admin renames the room for everyone, mute, the owner deletes it', async () => {
    const RENAMED = `Launch ${suffix}`;
    const { page } = alice; // an admin since the hand-over; Bob owns the room
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
    expect(await roomRow(bob.page, ROOM).count()).toBe(0);

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
  });

  it('no errors in the console', () => {
    const relevant = (e: string[]) => e.filter((x) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|net::ERR/i.test(x));
    expect(relevant(alice.errors)).toEqual([]);
    expect(relevant(bob.errors)).toEqual([]);
  });
});

describe('Chinese UI', () => {
  it('renders in Simplified Chinese from the system language', async () => {
    const li = await newPerson(browser, server.url, { locale: 'zh-CN' });
    await li.page.getByRole('heading', { name: '登录' }).waitFor();
    await shot(li.page, '11-zh-login');
    await registerViaUi(li.page, `li_${suffix}`, '李雷');
    await li.page.getByText('还没有聊天。新建一个群聊或发起私聊吧。').waitFor();
    await li.page.getByRole('button', { name: '新建群聊' }).click();
    await li.page.getByLabel('名称').fill('产品讨论');
    await li.page.getByRole('button', { name: '创建群聊' }).click();
    await li.page.getByRole('heading', { name: '产品讨论' }).waitFor();
    await send(li.page, '大家好，欢迎加入！');
    await li.page.locator('.msg-body', { hasText: '大家好' }).waitFor();
    await shot(li.page, '12-zh-room');
    await li.context.close();
  });
});

describe('a long history', () => {
  it('opens at the newest message, pages in older ones on the way up, and jumps back to the latest', async () => {
    const reader = await server.register(`reader_${suffix}`);
    const writer = await server.register(`writer_${suffix}`);
    const post = async (user: typeof reader, p: string, body: unknown) => {
      const res = await fetch(server.url + p, {
        method: 'POST',
        headers: { ...user.auth, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.ok).toBe(true);
      return (await res.json()) as { id: number };
    };
    const room = await post(reader, '/api/rooms', { name: `History ${suffix}`, visibility: 'private', memberIds: [writer.id] });
    const COUNT = 260;
    for (let i = 1; i <= COUNT; i += 1) {
      const body =
        i % 9 === 0 ? `Line ${i}: a longer message that wraps onto a second line in the bubble, so rows differ in height.` : `Line ${i}`;
      await post(i % 4 === 0 ? reader : writer, `/api/rooms/${room.id}/messages`, { clientId: `hist-${i}`, body });
    }
    // All read: a room with unread opens at the first unread message (e2e/conversation.test.ts); this one opens at the newest.
    const read = await fetch(`${server.url}/api/rooms/${room.id}/read`, {
      method: 'PUT',
      headers: { ...reader.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ seq: 1_000_000 }),
    });
    expect(read.ok).toBe(true);
    const { page, context, errors } = await newPerson(browser, server.url);
    await page.getByLabel('Username or email').fill(reader.username);
    await page.getByLabel('Password').fill(reader.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await roomRow(page, `History ${suffix}`).click();

    const newest = page.locator(`.msg[data-seq="${COUNT}"]`);
    await newest.waitFor();
    const inView = (seq: number) =>
      page.evaluate((s) => {
        const el = document.querySelector(`.msg[data-seq="${s}"]`)?.getBoundingClientRect();
        const view = document.querySelector('.message-scroller')!.getBoundingClientRect();
        return !!el && el.top >= view.top - 1 && el.bottom <= view.bottom + 1;
      }, seq);
    expect(await inView(COUNT)).toBe(true);

    // Scroll up step by step, as a person would; older pages come in without the view jumping to their top.
    for (let i = 0; i < 200 && !(await page.locator('.msg[data-seq="1"]').count()); i += 1) {
      await page.locator('.message-scroller').evaluate((el) => el.scrollBy(0, -700));
      await page.waitForTimeout(30);
    }
    await page.locator('.message-scroller').evaluate((el) => el.scrollTo(0, 0));
    await page.getByText('This is the beginning of the conversation.').waitFor();
    expect(await inView(1)).toBe(true);
    expect(await page.locator('.msg').count()).toBeLessThan(80);
    await shot(page, '16-history-top');

    await page.getByRole('button', { name: 'Jump to latest' }).click();
    await expect.poll(() => inView(COUNT)).toBe(true);
    await page.getByRole('button', { name: 'Jump to latest' }).waitFor({ state: 'detached' });
    await shot(page, '17-history-latest');
    expect(errors.filter((e) => !/Failed to load resource/i.test(e))).toEqual([]);
    await context.close();
  });
});

describe('validation in Chinese', () => {
  it('says what is wrong with a field in Chinese', async () => {
    const wang = await newPerson(browser, server.url, { locale: 'zh-CN' });
    const { page } = wang;
    await page.getByRole('button', { name: '注册' }).click();
    await page.getByLabel('用户名', { exact: true }).fill('a b');
    await page.getByLabel('邮箱', { exact: true }).fill('not-an-email');
    await page.getByLabel('密码', { exact: true }).fill('short');
    await page.getByLabel('密码', { exact: true }).blur();
    await page.getByRole('button', { name: '创建账号' }).click();
    await page.getByText('只能包含字母、数字和下划线').waitFor();
    await page.getByText('请输入有效的邮箱地址').waitFor();
    await page.getByText('长度须为 8–72 字节（UTF-8）').waitFor();
    await shot(page, '18-zh-validation');
    await wang.context.close();
  });
});
