// Conversation features between two people in Chromium against the real server: rich text (and never raw HTML),
// landing at the first unread message under a "New messages" line, the "N new messages" pill, replies that jump to
// their original, reactions that reach the other person live, and "Seen" once the peer has read.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../server/test/harness.js';
import { launchBrowser, shot, startServer } from './browser.js';
import { api, inView, message, post, roomRow, send, signIn, type Person } from './conversation-helpers.js';

let server: TestServer;
let browser: Browser;
let aliceUser: TestUser;
let bobUser: TestUser;
let alice: Person;
let bob: Person;
const suffix = Date.now().toString(36).slice(-5);

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  aliceUser = await server.register(`alice_${suffix}`);
  bobUser = await server.register(`bob_${suffix}`);
  alice = await signIn(browser, server, aliceUser);
  bob = await signIn(browser, server, bobUser);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function groupRoom(name: string): Promise<number> {
  const room = await api<{ id: number }>(server, aliceUser, 'POST', '/api/rooms', { name, visibility: 'private', memberIds: [bobUser.id] });
  await roomRow(bob.page, name).waitFor();
  return room.id;
}

describe('conversation features, two people', () => {
  it('renders the Markdown subset and links, and shows raw HTML as text', async () => {
    const name = `Notes ${suffix}`;
    const roomId = await groupRoom(name);
    await post(
      server,
      aliceUser,
      roomId,
      '**bold** _soft_ ~~old~~ `npm ci` see https://example.com/docs\n\n> quoted\n\n- one\n- two\n\n<img src=x onerror="window.__pwned=1"> <b>raw</b>',
    );
    await post(server, aliceUser, roomId, '```\n' + 'const wide = "' + 'x'.repeat(400) + '";\n```');
    await post(server, aliceUser, roomId, '🎉🎉');
    await roomRow(bob.page, name).click();
    const rich = message(bob.page, 'bold');
    await rich.waitFor();
    const body = rich.locator('.msg-body');
    expect(await body.locator('strong').innerText()).toBe('bold');
    expect(await body.locator('em').innerText()).toBe('soft');
    expect(await body.locator('del').innerText()).toBe('old');
    expect(await body.locator('code').first().innerText()).toBe('npm ci');
    expect(await body.locator('blockquote').innerText()).toBe('quoted');
    expect(await body.locator('li').allInnerTexts()).toEqual(['one', 'two']);
    const link = body.locator('a');
    expect(await link.getAttribute('href')).toBe('https://example.com/docs');
    expect(await link.getAttribute('target')).toBe('_blank');
    // Raw HTML: no element made from it, its text shown as typed, its script never run.
    expect(await body.locator('img, b').count()).toBe(0);
    expect(await body.innerText()).toContain('<b>raw</b>');
    expect(await bob.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // A long code block scrolls inside its bubble; the timeline does not get wider.
    const widths = await bob.page.evaluate(() => {
      const pre = document.querySelector<HTMLElement>('pre.md-code')!;
      const scroller = document.querySelector<HTMLElement>('.message-scroller')!;
      return { pre: pre.clientWidth, preScroll: pre.scrollWidth, view: scroller.clientWidth, viewScroll: scroller.scrollWidth };
    });
    expect(widths.preScroll).toBeGreaterThan(widths.pre);
    expect(widths.viewScroll).toBe(widths.view);
    await bob.page.locator('.msg-body.emoji-only', { hasText: '🎉🎉' }).waitFor();
    await shot(bob.page, 'conversation-01-rich-text');
  });

  it('opens at the first unread message under a "New messages" line; the marker follows what is seen', async () => {
    const name = `Backlog ${suffix}`;
    const roomId = await groupRoom(name);
    const read = [];
    for (let i = 1; i <= 3; i += 1) read.push(await post(server, aliceUser, roomId, `Already read ${i}`));
    await api(server, bobUser, 'PUT', `/api/rooms/${roomId}/read`, { seq: read[2]!.seq });
    // More than one page of unread, so the first of them is not in the newest page.
    const UNREAD = 70;
    for (let i = 1; i <= UNREAD; i += 1) await post(server, aliceUser, roomId, `Unread ${i}`);
    await expect.poll(() => roomRow(bob.page, name).innerText()).toContain(`${UNREAD} unread`);

    await roomRow(bob.page, name).click();
    const line = bob.page.getByTestId('unread-line');
    await line.waitFor();
    // The line sits directly above the first unread message, and both are on screen.
    const lineRow = bob.page.locator('.chat-row', { has: line });
    expect(await lineRow.locator('.msg-body').innerText()).toBe('Unread 1');
    await expect.poll(() => inView(bob.page, '[data-testid="unread-line"]')).toBe(true);
    await shot(bob.page, 'conversation-02-new-messages-line');

    // What is on screen is read, the rest is not: the count drops but not to zero.
    const unreadOf = async () => Number(/(\d+) unread/.exec((await roomRow(bob.page, name).innerText()) ?? '')?.[1] ?? 0);
    await expect.poll(unreadOf).toBeLessThan(UNREAD);
    expect(await unreadOf()).toBeGreaterThan(0);

    // Scrolled up, a new arrival shows a pill instead of moving the view.
    await post(server, aliceUser, roomId, 'Fresh news');
    const pill = bob.page.locator('.jump-latest.has-new');
    await pill.waitFor();
    expect(await pill.innerText()).toContain('1 new message');
    expect(await inView(bob.page, '[data-testid="unread-line"]')).toBe(true);
    await pill.click();
    await expect.poll(() => inView(bob.page, '.chat-row:last-child .msg')).toBe(true);
    expect(await bob.page.locator('.chat-row:last-child .msg-body').innerText()).toBe('Fresh news');
    await expect.poll(() => roomRow(bob.page, name).innerText()).not.toContain('unread');

    // Back to the first unread from the bottom.
    await bob.page.getByRole('button', { name: 'Jump to first unread' }).click();
    await expect.poll(() => inView(bob.page, '[data-testid="unread-line"]')).toBe(true);
  });

  it('a reply shows its quote; clicking it scrolls to the original, loading history, and highlights it', async () => {
    const name = `Replies ${suffix}`;
    const roomId = await groupRoom(name);
    const original = await post(server, aliceUser, roomId, 'The original question');
    for (let i = 1; i <= 60; i += 1) await post(server, bobUser, roomId, `Filler ${i}`);
    const answer = await post(server, aliceUser, roomId, 'Answering that', { replyToId: original.id });
    await api(server, bobUser, 'PUT', `/api/rooms/${roomId}/read`, { seq: answer.seq }); // opens at the newest
    await roomRow(bob.page, name).click();
    const reply = message(bob.page, 'Answering that');
    await reply.waitFor();
    // The original is not loaded (it is older than the newest page), yet the quote shows it.
    expect(await bob.page.locator(`.msg[data-seq="${original.seq}"]`).count()).toBe(0);
    const quote = reply.locator('.quote');
    expect(await quote.innerText()).toContain('The original question');
    await quote.click();
    const target = bob.page.locator(`.msg.highlighted[data-seq="${original.seq}"]`);
    await target.waitFor();
    await expect.poll(() => inView(bob.page, `.msg[data-seq="${original.seq}"]`)).toBe(true);
  });

  it('a reaction from the picker appears for the other person, live; clicking a chip adds and removes', async () => {
    const name = `Reactions ${suffix}`;
    const roomId = await groupRoom(name);
    await post(server, aliceUser, roomId, 'React to me');
    await roomRow(alice.page, name).click();
    await roomRow(bob.page, name).click();
    const bobsView = message(bob.page, 'React to me');
    await bobsView.hover();
    await bobsView.getByRole('button', { name: 'Add reaction' }).click();
    const picker = bob.page.locator('.emoji-popover emoji-picker');
    await picker.waitFor();
    await picker.locator('input[type="search"]').fill('thumbs up');
    await picker.locator('[role="option"][id^="emo-"]').first().waitFor();
    await shot(bob.page, 'conversation-03a-picker');
    await picker.locator('[role="option"][id^="emo-"]').first().click();
    await expect.poll(() => bob.page.locator('.emoji-popover').count()).toBe(0);

    const alicesChip = message(alice.page, 'React to me').locator('.reaction');
    await alicesChip.waitFor();
    expect(await alicesChip.innerText()).toMatch(/👍\uFE0F?\s*1/u);
    expect(await alicesChip.getAttribute('title')).toContain(bobUser.username);
    await shot(alice.page, 'conversation-03-reaction');
    // Alice adds hers by clicking the chip; Bob sees 2, then removes his.
    await alicesChip.click();
    const bobsChip = bobsView.locator('.reaction');
    await expect.poll(() => bobsChip.innerText()).toMatch(/👍\uFE0F?\s*2/u);
    expect(await bobsChip.getAttribute('aria-pressed')).toBe('true');
    await bobsChip.click();
    await expect.poll(() => alicesChip.innerText()).toMatch(/👍\uFE0F?\s*1/u);
    expect(await alicesChip.getAttribute('aria-pressed')).toBe('true');
  });

  it('"Seen" appears under my message in a direct room when the peer opens it', async () => {
    await api(server, aliceUser, 'POST', '/api/rooms/direct', { userId: bobUser.id });
    await roomRow(alice.page, bobUser.username).click();
    await send(alice.page, 'Are you there?');
    await message(alice.page, 'Are you there?').waitFor();
    const seen = alice.page.getByTestId('seen');
    expect(await seen.count()).toBe(0);
    await roomRow(bob.page, aliceUser.username).click();
    await message(bob.page, 'Are you there?').waitFor();
    await seen.waitFor();
    expect(await seen.innerText()).toBe('Seen');
    await shot(alice.page, 'conversation-04-seen');
    // Bob answers: "Seen" stays under the last message of Alice's he has read, not under his answer.
    await send(bob.page, 'Yes, here');
    await message(alice.page, 'Yes, here').waitFor();
    expect(await seen.count()).toBe(1);
    expect(await message(alice.page, 'Are you there?').locator('xpath=following-sibling::*[@data-testid="seen"]').count()).toBe(1);
  });
});
