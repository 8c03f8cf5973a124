// Conversation features among three people in Chromium against the real server: a room set to "mentions" notifies
// only for a mention (and @room), the level reaches the user's other device, unread mentions are marked in the list
// and highlighted in the timeline, "Seen by N" under her messages names the readers, system lines speak the reader's language, and
// the header and member list show who is online.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../server/test/harness.js';
import { launchBrowser, shot, startServer } from './browser.js';
import { api, message, notes, post, roomRow, send, signIn, type Person } from './conversation-helpers.js';

let server: TestServer;
let browser: Browser;
let aliceUser: TestUser;
let bobUser: TestUser;
let carolUser: TestUser;
let alice: Person;
let bob: Person;
let carol: Person;
const suffix = Date.now().toString(36).slice(-5);
const ROOM = `Team ${suffix}`;
const ELSEWHERE = `Elsewhere ${suffix}`;
let roomId = 0;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  aliceUser = await server.register(`alice_${suffix}`);
  bobUser = await server.register(`bob_${suffix}`);
  carolUser = await server.register(`carol_${suffix}`);
  alice = await signIn(browser, server, aliceUser);
  bob = await signIn(browser, server, bobUser, { recordNotifications: true });
  carol = await signIn(browser, server, carolUser, { locale: 'zh-CN' });
  roomId = (
    await api<{ id: number }>(server, aliceUser, 'POST', '/api/rooms', {
      name: ROOM,
      visibility: 'private',
      memberIds: [bobUser.id, carolUser.id],
    })
  ).id;
  await api(server, bobUser, 'POST', '/api/rooms', { name: ELSEWHERE, visibility: 'private', memberIds: [] });
  await roomRow(bob.page, ROOM).waitFor();
  await roomRow(carol.page, ROOM).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('conversation features, three people', () => {
  it('Bob sets the room to mentions; his other device follows at once', async () => {
    const other = await signIn(browser, server, bobUser);
    await roomRow(other.page, ROOM).click();
    await other.page.getByRole('button', { name: 'Room settings' }).click();
    const othersChoice = other.page.getByRole('radio', { name: 'Only mentions and direct messages' });
    expect(await othersChoice.isChecked()).toBe(false);

    await roomRow(bob.page, ROOM).click();
    await bob.page.getByRole('button', { name: 'Room settings' }).click();
    await bob.page.getByRole('radio', { name: 'Only mentions and direct messages' }).check();
    await expect.poll(() => othersChoice.isChecked()).toBe(true);
    await shot(bob.page, 'conversation-group-01-notify-level');
    await other.context.close();
    // Bob looks at another room, so messages in Team are not in front of him.
    await roomRow(bob.page, ELSEWHERE).click();
    await bob.page.getByRole('heading', { name: ELSEWHERE }).waitFor();
  });

  it('in a mentions room, only a mention (or @room) notifies; the room is marked as mentioning him', async () => {
    await post(server, carolUser, roomId, 'just chatting, nobody in particular');
    await post(server, aliceUser, roomId, `@${bobUser.username} please look at the draft`);
    // Messages arrive in seq order: once the mention's banner is there, Carol's message has been handled too.
    await expect.poll(async () => (await notes(bob.page)).length).toBeGreaterThan(0);
    let raised = await notes(bob.page);
    expect(raised).toHaveLength(1);
    expect(raised[0]!.body).toContain('please look at the draft');
    expect(raised[0]!.tag).toBe(`room-${roomId}`);
    await expect.poll(() => roomRow(bob.page, ROOM).innerText()).toContain('1 unread mention');
    await roomRow(bob.page, ROOM).locator('.badge.mention').waitFor();

    await post(server, carolUser, roomId, 'another plain message');
    await post(server, aliceUser, roomId, '@room standup in five minutes');
    await expect.poll(async () => (await notes(bob.page)).length).toBe(2);
    raised = await notes(bob.page);
    // One banner per room that updates: same tag, and it says how many.
    expect(raised[1]!.tag).toBe(`room-${roomId}`);
    expect(raised[1]!.body).toContain('standup in five minutes');
  });

  it('Do Not Disturb silences everything, mentions included', async () => {
    await bob.page.getByRole('button', { name: 'Me and settings' }).click();
    await bob.page.getByRole('checkbox', { name: 'Do not disturb' }).check();
    await bob.page.keyboard.press('Escape');
    const before = (await notes(bob.page)).length;
    await post(server, aliceUser, roomId, `@${bobUser.username} are you around?`);
    // The sentinel: the mention has reached Bob (his room is marked), so a banner would have been raised by now.
    await expect.poll(() => roomRow(bob.page, ROOM).innerText()).toContain('3 unread mentions');
    expect(await notes(bob.page)).toHaveLength(before);
    await bob.page.getByRole('button', { name: 'Me and settings' }).click();
    await bob.page.getByRole('checkbox', { name: 'Do not disturb' }).uncheck();
    await bob.page.keyboard.press('Escape');
  });

  it('Bob sees his mention highlighted; Alice mentions with the autocomplete', async () => {
    await roomRow(bob.page, ROOM).click();
    const mention = message(bob.page, 'please look at the draft');
    await mention.locator('.mention-self', { hasText: `@${bobUser.username}` }).waitFor();
    expect(await mention.getAttribute('class')).toContain('mentions-me');
    await expect.poll(() => roomRow(bob.page, ROOM).locator('.badge.mention').count()).toBe(0);
    await shot(bob.page, 'conversation-group-02-mention');
    // Bob looks elsewhere again: what Alice sends next waits for him.
    await roomRow(bob.page, ELSEWHERE).click();
    await bob.page.getByRole('heading', { name: ELSEWHERE }).waitFor();

    await roomRow(alice.page, ROOM).click();
    // The @ autocomplete: members only (never herself), @room for the owner; keyboard and mouse.
    const box = alice.page.getByRole('textbox', { name: 'Message' });
    await box.fill('');
    await box.pressSequentially('Thanks @');
    const popup = alice.page.getByRole('listbox', { name: 'Mention someone' });
    await popup.waitFor();
    const options = await popup.getByRole('option').allInnerTexts();
    expect(options.some((o) => o.includes(bobUser.username))).toBe(true);
    expect(options.some((o) => o.includes(carolUser.username))).toBe(true);
    expect(options.some((o) => o.includes(aliceUser.username))).toBe(false);
    expect(options.some((o) => o.includes('@room'))).toBe(true);
    await box.pressSequentially('bo');
    await box.press('Enter'); // picks, does not send
    expect(await box.inputValue()).toBe(`Thanks @${bobUser.username} `);
    await box.pressSequentially('and @car');
    await popup.getByRole('option', { name: new RegExp(carolUser.username) }).click();
    expect(await box.inputValue()).toBe(`Thanks @${bobUser.username} and @${carolUser.username} `);
    await box.fill('');
    await send(alice.page, 'Thanks both');
  });

  it('Alice sees who read her messages: "Seen by N" under the newest of hers each reader reached, names on hover', async () => {
    const thanks = message(alice.page, 'Thanks both');
    await thanks.waitFor();
    // The receipt line that belongs to a message of hers is the row's next element.
    const seenUnder = (text: string) => message(alice.page, text).locator('xpath=following-sibling::*[@data-testid="seen"]').first();
    const seenLines = alice.page.getByTestId('seen');
    // Bob read up to "are you around?" before Alice thanked him: that is where his receipt stays for now.
    await expect
      .poll(() =>
        seenUnder('are you around?')
          .innerText()
          .catch(() => ''),
      )
      .toBe('Seen by 1');
    expect(await seenUnder('Thanks both').count()).toBe(0);

    await roomRow(bob.page, ROOM).click();
    await message(bob.page, 'Thanks both').waitFor();
    const line = seenUnder('Thanks both');
    await expect.poll(() => line.innerText().catch(() => '')).toBe('Seen by 1');
    // Bob's receipt moved down: the older line is gone, one line in the room.
    await expect.poll(() => seenLines.count()).toBe(1);
    const button = line.getByRole('button');
    expect(await button.getAttribute('aria-label')).toBe(`Seen by 1: ${bobUser.username}`);

    await roomRow(carol.page, ROOM).click();
    await message(carol.page, 'Thanks both').waitFor();
    await expect
      .poll(() =>
        line
          .getByRole('button')
          .innerText()
          .catch(() => ''),
      )
      .toBe('Seen by 2');
    const label = (await line.getByRole('button').getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/^Seen by 2: /);
    expect(label).toContain(bobUser.username);
    expect(label).toContain(carolUser.username);
    expect(await seenLines.count()).toBe(1);
    // Names on hover, and on keyboard focus, as a tooltip the button is described by.
    await line.getByRole('button').hover();
    const tip = alice.page.getByRole('tooltip');
    await tip.waitFor();
    expect(await tip.innerText()).toContain(carolUser.username);
    await alice.page.mouse.move(0, 0);
    await tip.waitFor({ state: 'detached' });
    await line.getByRole('button').focus();
    await tip.waitFor();
    expect(await line.getByRole('button').getAttribute('aria-describedby')).toBe(await tip.getAttribute('id'));
    await shot(alice.page, 'conversation-group-03-seen-by');
    await line.getByRole('button').blur();
  });

  it('system lines are in the reader’s language; header and member list show who is online', async () => {
    await carol.page.locator('.msg.system', { hasText: `${aliceUser.username} 创建了群聊` }).waitFor();
    await alice.page.locator('.msg.system', { hasText: `${aliceUser.username} created the room` }).waitFor();
    await alice.page.getByText('3 members · 3 online').waitFor();
    await alice.page.getByRole('button', { name: 'Members', exact: true }).click();
    await alice.page.getByRole('region', { name: 'Online — 3' }).waitFor();
    await carol.context.close();
    await alice.page.getByText('3 members · 2 online').waitFor();
    const offline = alice.page.getByRole('region', { name: 'Offline — 1' });
    await offline.waitFor();
    expect(await offline.innerText()).toContain(carolUser.username);
    await shot(alice.page, 'conversation-group-04-online');
  });
});
