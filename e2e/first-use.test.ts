// What people do without thinking: open a dialog and start typing. The caret must already be in the dialog's field,
// not on its Close button, whether the dialog was opened by a click or by its keyboard shortcut. And a hint about the
// room list shows where the eye is: under the filter, not at the window's bottom edge.
import { describe, expect, it } from 'vitest';
import { account, call, e2eSuite, openAs, realErrors } from './fixture.js';

const e = e2eSuite();

describe('dialogs take the caret', () => {
  it('keys typed right after opening a dialog land in its field', async () => {
    const ann = await account(e, 'Ann Typist', 'ann');
    const { page, errors } = await openAs(e, ann);
    const dialog = page.getByRole('dialog');

    const opened: [string, () => Promise<void>, string][] = [
      ['New direct message', () => page.getByRole('button', { name: 'New direct message' }).click(), 'Search people by name'],
      ['New room', () => page.getByRole('button', { name: 'New room' }).click(), 'Name'],
      ['Browse public rooms', () => page.getByRole('button', { name: 'Browse public rooms' }).click(), 'Search public rooms'],
      ['Ctrl+K', () => page.keyboard.press('Control+K'), 'Room, person or public room'],
      ['Ctrl+Shift+F', () => page.keyboard.press('Control+Shift+F'), 'Search messages'],
    ];
    for (const [how, open, field] of opened) {
      await open();
      await dialog.waitFor();
      await page.keyboard.type('zeta');
      await expect.poll(() => dialog.getByLabel(field, { exact: true }).inputValue(), { message: how }).toBe('zeta');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'detached' });
    }
    expect(realErrors(errors)).toEqual([]);
  });

  it('the empty and no-match hints of the room list sit right under the filter', async () => {
    const cy = await account(e, 'Cy Newcomer', 'cy');
    const { page } = await openAs(e, cy);
    const filter = page.getByRole('searchbox', { name: 'Filter rooms' }).or(page.getByPlaceholder('Filter rooms'));
    const gapBelowFilter = async (text: string) => {
      const hint = page.getByText(text);
      await hint.waitFor();
      const [f, h] = await Promise.all([filter.boundingBox(), hint.boundingBox()]);
      return (h?.y ?? 0) - ((f?.y ?? 0) + (f?.height ?? 0));
    };
    expect(await gapBelowFilter('No rooms yet. Create one or start a direct message.')).toBeLessThan(40);
    await call(e, cy, 'POST', '/rooms', { name: 'Only room', visibility: 'private', memberIds: [] });
    await page.locator('.room-row', { hasText: 'Only room' }).waitFor();
    await filter.fill('zzz');
    expect(await gapBelowFilter('No rooms match.')).toBeLessThan(40);
  });

  it('the New room form: its visibility choices read as plain options, in line with the other labels', async () => {
    const dee = await account(e, 'Dee Former', 'dee');
    const { page } = await openAs(e, dee);
    await page.getByRole('button', { name: 'New room' }).click();
    const dialog = page.getByRole('dialog');
    const option = dialog.locator('label', { hasText: 'only people you add' });
    const look = await option.evaluate((el) => ({ weight: getComputedStyle(el).fontWeight, size: getComputedStyle(el).fontSize }));
    expect(look).toEqual({ weight: '400', size: '14px' });
    const nameLabel = await dialog.getByText('Name', { exact: true }).boundingBox();
    const legend = await dialog.getByText('Who can find it', { exact: true }).boundingBox();
    expect(Math.abs((legend?.x ?? 0) - (nameLabel?.x ?? 100))).toBeLessThan(1);
  });
});
