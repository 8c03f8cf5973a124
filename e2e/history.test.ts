// A long conversation: opens at the newest message and pages older ones in on the way up.
import { describe, expect, it } from 'vitest';
import { shot } from './browser.js';
import { account, call, e2eSuite, openAs, post, privateRoom, realErrors, roomRow, uniqueUsername } from './fixture.js';

const e = e2eSuite();

describe('a long history', () => {
  it('opens at the newest message, pages in older ones on the way up, and jumps back to the latest', async () => {
    const reader = await account(e, 'Reader', 'reader');
    const writer = await account(e, 'Writer', 'writer');
    const room = await privateRoom(e, reader, `History ${uniqueUsername('r')}`, [writer]);
    const COUNT = 260;
    for (let i = 1; i <= COUNT; i += 1) {
      const body =
        i % 9 === 0 ? `Line ${i}: a longer message that wraps onto a second line in the bubble, so rows differ in height.` : `Line ${i}`;
      await post(e, i % 4 === 0 ? reader : writer, room.id, body);
    }
    // All read: a room with unread opens at the first unread message (e2e/conversation.test.ts); this one opens at the newest.
    await call(e, reader, 'PUT', `/rooms/${room.id}/read`, { seq: 1_000_000 });
    const { page, context, errors } = await openAs(e, reader);
    await roomRow(page, room.name).click();

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
    expect(realErrors(errors)).toEqual([]);
    await context.close();
  });
});
