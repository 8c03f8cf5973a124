// The admin area as an administrator uses it, and what the people on the other end see: a disabled or deleted
// account's open browser is signed out with the reason, a colleague registers with an invite made in the admin area,
// a locked-out user sets a new password with a one-time link, rooms are archived, handed over and deleted, the audit
// log shows it all, and a non-administrator has no way in. The admin area passes axe on every tab.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdminRoom, AuditEntry, Invite } from '../protocol/admin.js';
import { zhCN } from '../renderer/src/i18n/zh-CN.js';
import { audit, type Finding } from './axe.js';
import { newPerson, shot } from './browser.js';
import { account, call, e2eSuite, openAs, privateRoom, realErrors, uniqueUsername, type Account } from './fixture.js';

const e = e2eSuite();
let admin: Account;

beforeAll(async () => {
  // The first account on an empty server becomes its administrator.
  admin = await account(e, 'Ada Admin', 'admin');
});

async function openAdmin(page: Page, tab?: string): Promise<void> {
  await page.getByRole('button', { name: 'Administration' }).click();
  await page.getByRole('dialog', { name: 'Administration' }).waitFor();
  if (tab) await page.getByRole('tab', { name: tab }).click();
}

/** The row of the users (or rooms) list that shows this text. */
const row = (page: Page, text: string) => page.locator('.admin-row', { hasText: text });

/**
 * Searches the users list and waits for the filtered answer (the administrator's own row leaves it), so a later
 * reload of the list cannot replace the rows the test acts on.
 */
async function searchUsers(page: Page, who: Account, label = 'Search by username, name or email'): Promise<void> {
  await page.getByRole('searchbox', { name: label }).fill(who.username);
  await row(page, admin.username).waitFor({ state: 'detached' });
  await row(page, who.username).waitFor();
}

describe('who sees the admin area', () => {
  it('an administrator has an Administration entry; a non-administrator has none', async () => {
    const bea = await account(e, 'Bea Plain');
    const plain = await openAs(e, bea);
    await plain.page.getByRole('button', { name: /Bea Plain/ }).waitFor();
    // The role comes with the signed-in user, in the same render as the name above.
    expect(await plain.page.getByRole('button', { name: 'Administration' }).count()).toBe(0);
    await plain.context.close();

    const boss = await openAs(e, admin);
    await openAdmin(boss.page);
    await row(boss.page, bea.username).waitFor();
    expect(realErrors(boss.errors)).toEqual([]);
    await boss.context.close();
  });
});

describe('users', () => {
  it('disabling a user signs their open browser out with the reason; enabling lets them back in', async () => {
    const dan = await account(e, 'Dan Disabled');
    const victim = await openAs(e, dan, { locale: 'zh-CN' });
    const boss = await openAs(e, admin);
    await openAdmin(boss.page);
    await searchUsers(boss.page, dan);
    const danRow = row(boss.page, dan.username);
    await danRow.getByText(/^[1-9]\d* sessions?$/).waitFor();
    await danRow.getByRole('button', { name: 'Disable' }).click();
    await danRow.getByText('Disabled', { exact: true }).waitFor();
    await danRow.getByText('0 sessions').waitFor();
    await shot(boss.page, 'admin-users-disabled');

    await victim.page.getByText(zhCN.login.ended.ACCOUNT_DISABLED).waitFor({ timeout: 15_000 });

    await danRow.getByRole('button', { name: 'Enable' }).click();
    await danRow.getByRole('button', { name: 'Disable' }).waitFor();
    const again = await openAs(e, dan);
    await again.page.getByRole('button', { name: /Dan Disabled/ }).waitFor();
    await Promise.all([victim.context.close(), again.context.close(), boss.context.close()]);
  });

  it('making and removing an administrator; a refusal shows next to the action', async () => {
    const mo = await account(e, 'Mo Promoted');
    const boss = await openAs(e, admin);
    await openAdmin(boss.page);
    await searchUsers(boss.page, mo);
    const moRow = row(boss.page, mo.username);
    await moRow.getByRole('button', { name: 'Make administrator' }).click();
    await moRow.getByText('Administrator', { exact: true }).waitFor();
    // Mo, now an administrator, sees the entry.
    const moPage = await openAs(e, mo);
    await moPage.page.getByRole('button', { name: 'Administration' }).waitFor();
    await moPage.context.close();
    await moRow.getByRole('button', { name: 'Remove administrator' }).click();
    await moRow.getByRole('button', { name: 'Make administrator' }).waitFor();

    // An account deleted elsewhere meanwhile: the server's NOT_FOUND shows in words in that row.
    await call(e, admin, 'DELETE', `/admin/users/${mo.id}`, { messages: 'keep' });
    await moRow.getByRole('button', { name: 'Disable' }).click();
    await moRow.getByRole('alert').getByText('Not found. It may have been deleted.').waitFor();
    await boss.context.close();
  });

  it('a one-time reset link: the user sets a new password with it and logs in; the link does not work twice', async () => {
    const lou = await account(e, 'Lou Locked');
    const boss = await openAs(e, admin);
    await openAdmin(boss.page);
    await searchUsers(boss.page, lou);
    await row(boss.page, lou.username).getByRole('button', { name: 'Password reset link' }).click();
    const field = boss.page.getByLabel('One-time password reset link for Lou Locked');
    await field.waitFor();
    const link = await field.inputValue();
    expect(link).toMatch(/\/#\/reset-password\/[A-Za-z0-9_-]+$/);
    await shot(boss.page, 'admin-reset-link');

    const user = await newPerson(e.browser, link);
    const { page } = user;
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('a brand new secret');
    await page.getByLabel('New password again').fill('a different one');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('The two passwords are not the same.').waitFor();
    await page.getByLabel('New password again').fill('a brand new secret');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText(/Your password was changed/).waitFor();
    await page.getByRole('button', { name: 'Go to login' }).click();
    await page.getByLabel('Username or email').fill(lou.username);
    await page.getByLabel('Password', { exact: true }).fill('a brand new secret');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('button', { name: /Lou Locked/ }).waitFor();

    // The same link again: refused, in words.
    const twice = await newPerson(e.browser, link);
    await twice.page.getByLabel('New password', { exact: true }).fill('yet another secret');
    await twice.page.getByLabel('New password again').fill('yet another secret');
    await twice.page.getByRole('button', { name: 'Set new password' }).click();
    await twice.page.getByRole('alert').getByText('This reset link is not valid: it may have expired or been used already.').waitFor();
    await Promise.all([user.context.close(), twice.context.close(), boss.context.close()]);
  });

  it('deleting a user (messages kept) signs their browser out as deleted', async () => {
    const del = await account(e, 'Del Gone');
    const victim = await openAs(e, del);
    const boss = await openAs(e, admin);
    await openAdmin(boss.page);
    await searchUsers(boss.page, del);
    const delRow = row(boss.page, del.username);
    await delRow.getByRole('button', { name: 'Delete…' }).click();
    const confirm = boss.page.getByRole('alertdialog', { name: 'Delete Del Gone' });
    await confirm.getByLabel('Keep them, shown as from a deleted user').check();
    await shot(boss.page, 'admin-delete-user');
    await confirm.getByRole('button', { name: 'Delete account' }).click();
    await boss.page.getByText('The account of Del Gone was deleted.').waitFor();
    await delRow.waitFor({ state: 'detached' });
    await victim.page.getByText('Your account has been deleted.').waitFor({ timeout: 15_000 });
    await Promise.all([victim.context.close(), boss.context.close()]);
  });
});

describe('in Chinese', () => {
  it('the admin area speaks the UI language, its refusals too', async () => {
    const gone = await account(e, 'Gao Gone');
    const boss = await openAs(e, admin, { locale: 'zh-CN' });
    await boss.page.getByRole('button', { name: zhCN.admin.open }).click();
    await boss.page.getByRole('dialog', { name: zhCN.admin.title }).waitFor();
    for (const tab of Object.values(zhCN.admin.tabs)) await boss.page.getByRole('tab', { name: tab }).waitFor();
    await searchUsers(boss.page, gone, zhCN.admin.users.search);
    const goneRow = row(boss.page, gone.username);
    await goneRow.getByText(zhCN.admin.users.status_active, { exact: true }).waitFor();
    await call(e, admin, 'DELETE', `/admin/users/${gone.id}`, { messages: 'delete' });
    await goneRow.getByRole('button', { name: zhCN.admin.users.disable }).click();
    await goneRow.getByRole('alert').getByText(zhCN.errors.NOT_FOUND).waitFor();
    await shot(boss.page, 'admin-zh');
    await boss.context.close();
  });
});

describe('my own account', () => {
  it('deleting my account from Me asks for my password, then signs me out with a clear message', async () => {
    const sam = await account(e, 'Sam Leaving');
    const { page, context } = await openAs(e, sam);
    await page.getByRole('button', { name: /Sam Leaving/ }).click();
    const me = page.getByRole('dialog', { name: 'Me' });
    await me.getByLabel('Your password, to confirm').fill('not my password');
    await me.getByRole('button', { name: 'Delete my account…' }).click();
    await me.getByRole('alertdialog', { name: 'Delete account' }).getByRole('button', { name: 'Delete my account' }).click();
    await me.getByText('The password is not correct.').waitFor();
    await me.getByLabel('Your password, to confirm').fill(sam.password);
    await me.getByRole('button', { name: 'Delete my account…' }).click();
    await me.getByRole('alertdialog', { name: 'Delete account' }).getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('alert').getByText('Your account has been deleted.').waitFor();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    // Logging in as the account is refused like an unknown user.
    await page.getByLabel('Username or email').fill(sam.username);
    await page.getByLabel('Password', { exact: true }).fill(sam.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByText('Wrong username, email or password.').waitFor();
    await context.close();
  });
});

describe('registration and invites', () => {
  it('an administrator switches to invite-only, creates an invite, and a colleague registers with its link', async () => {
    const room = await privateRoom(e, admin, `Welcome ${uniqueUsername('r')}`, []);
    const boss = await openAs(e, admin);
    await openAdmin(boss.page, 'Registration');
    const panel = boss.page.getByRole('tabpanel');
    try {
      await invite();
    } finally {
      await call(e, admin, 'PUT', '/admin/settings', { registration: 'open' });
    }
    async function invite() {
      await panel.getByRole('radio', { name: /By invite/ }).check();
      await panel.getByText('Saved', { exact: true }).waitFor();
      await panel.getByLabel('How many people can use it').fill('1');
      await panel.getByLabel('Valid for (hours)').fill('24');
      await panel.getByRole('checkbox', { name: room.name }).check();
      await panel.getByRole('button', { name: 'Create invite' }).click();
      const field = panel.getByLabel(/^New invite link /);
      await field.waitFor();
      const link = await field.inputValue();
      expect(link).toMatch(/\/#\/invite\/[A-Za-z0-9_-]+$/);
      await shot(boss.page, 'admin-invite');

      const { page, context } = await newPerson(e.browser, link);
      const name = uniqueUsername('colleague');
      await page.getByLabel('Invite code', { exact: true }).waitFor();
      await page.getByLabel('Username', { exact: true }).fill(name);
      await page.getByLabel('Display name').fill('Cole League');
      await page.getByLabel('Email', { exact: true }).fill(`${name}@example.test`);
      await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
      await page.getByRole('button', { name: 'Create account', exact: true }).click();
      // The invite's room is there at once.
      await page.locator('.room-row', { hasText: room.name }).waitFor();
      const invites = await call<Invite[]>(e, admin, 'GET', '/admin/invites');
      expect(invites.find((i) => link.endsWith(i.code))?.uses).toBe(1);

      // Revoke it in the admin area: gone from the list and from the server.
      const code = link.split('/').pop()!;
      await row(boss.page, code).getByRole('button', { name: 'Revoke' }).click();
      await row(boss.page, code).waitFor({ state: 'detached' });
      expect((await call<Invite[]>(e, admin, 'GET', '/admin/invites')).some((i) => i.code === code)).toBe(false);
      await context.close();
    }
    await boss.context.close();
  });
});

describe('rooms, status and the audit log', () => {
  it('archive and unarchive, hand a room to a member, delete a room after a confirmation', async () => {
    const owner = await account(e, 'Olive Owner');
    const member = await account(e, 'Max Member');
    const outsider = await account(e, 'Otto Outsider');
    const room = await privateRoom(e, owner, `Ops ${uniqueUsername('r')}`, [member]);
    const max = await openAs(e, member);
    await max.page.locator('.room-row', { hasText: room.name }).click();
    await max.page.getByRole('textbox', { name: 'Message' }).waitFor();
    const boss = await openAs(e, admin);
    await openAdmin(boss.page, 'Rooms');
    await boss.page.getByRole('searchbox', { name: 'Search rooms by name' }).fill(room.name);
    const r = row(boss.page, room.name);
    await r.getByText(`owner: @${owner.username}`).waitFor();
    await r.getByRole('button', { name: 'Archive' }).click();
    await r.getByText('Archived', { exact: true }).waitFor();
    // A member looking at the room sees at once that it is read-only now, and can post again once it is back.
    await max.page.getByText('This room is archived. You can read it, but no one can send messages here any more.').waitFor();
    await r.getByRole('button', { name: 'Unarchive' }).click();
    await r.getByRole('button', { name: 'Archive' }).waitFor();
    await max.page.getByRole('textbox', { name: 'Message' }).waitFor();
    await max.context.close();

    // The administrator is not in this private room: the picker searches people, and the server checks membership.
    await r.getByRole('button', { name: 'Change owner…' }).click();
    await r.getByRole('searchbox', { name: `New owner of ${room.name}` }).fill(outsider.username);
    await r.getByRole('button', { name: /Otto Outsider/ }).click();
    await r.getByRole('alert').getByText('The new owner must be a member of the room.').waitFor();
    await r.getByRole('button', { name: 'Change owner…' }).click();
    await r.getByRole('searchbox', { name: `New owner of ${room.name}` }).fill(member.username);
    await r.getByRole('button', { name: /Max Member/ }).click();
    await r.getByText(`owner: @${member.username}`).waitFor();
    const listed = await call<AdminRoom[]>(e, admin, 'GET', `/admin/rooms?q=${encodeURIComponent(room.name)}`);
    expect(listed[0]?.ownerId).toBe(member.id);

    await r.getByRole('button', { name: 'Delete…' }).click();
    await boss.page
      .getByRole('alertdialog', { name: `Delete ${room.name}` })
      .getByRole('button', { name: 'Delete room' })
      .click();
    await r.waitFor({ state: 'detached' });
    expect(await call<AdminRoom[]>(e, admin, 'GET', `/admin/rooms?q=${encodeURIComponent(room.name)}`)).toEqual([]);
    await boss.context.close();
  });

  it('status shows the server figures, formatted; the audit log lists the actions newest first', async () => {
    const boss = await openAs(e, admin);
    await openAdmin(boss.page, 'Status');
    const status = boss.page.locator('.admin-status');
    await status.getByText('Version').waitFor();
    for (const label of ['Running for', 'Accounts', 'People online', 'Open connections', 'Database', 'Redis', 'Storage used']) {
      await status.getByText(label, { exact: true }).waitFor();
    }
    expect(await status.locator('div', { hasText: 'Database' }).locator('dd').innerText()).toBe('OK');
    expect(await status.locator('div', { hasText: 'Storage used' }).locator('dd').innerText()).toMatch(/^\d+(\.\d)? (B|KB|MB|GB)$/);

    await boss.page.getByRole('tab', { name: 'Audit log' }).click();
    const rows = boss.page.locator('.admin-table tbody tr');
    await rows.first().waitFor();
    const newest = (await call<AuditEntry[]>(e, admin, 'GET', '/admin/audit?limit=1'))[0]!;
    expect(await rows.first().innerText()).toContain(newest.actorName);
    await shot(boss.page, 'admin-audit');
    await boss.context.close();
  });

  it('every tab of the admin area passes axe, and the tabs work from the keyboard', async () => {
    const boss = await openAs(e, admin);
    const found: Record<string, Finding[]> = {};
    await openAdmin(boss.page);
    await row(boss.page, admin.username).waitFor();
    await audit(boss.page, 'admin users', found);
    // Arrow keys move between tabs (roving focus), as the WAI-ARIA tabs pattern does.
    await boss.page.getByRole('tab', { name: 'Users' }).focus();
    for (const [tab, ready] of [
      ['Rooms', 'Search rooms by name'],
      ['Registration', 'How many people can use it'],
      ['Status', null],
      ['Audit log', null],
    ] as const) {
      await boss.page.keyboard.press('ArrowRight');
      await boss.page.getByRole('tab', { name: tab, selected: true }).waitFor();
      expect(await boss.page.evaluate(() => document.activeElement?.textContent)).toBe(tab);
      if (ready) await boss.page.getByLabel(ready).waitFor();
      else
        await boss.page
          .locator(tab === 'Status' ? '.admin-status' : '.admin-table tbody tr')
          .first()
          .waitFor();
      await audit(boss.page, `admin ${tab}`, found);
    }
    await boss.page.keyboard.press('Escape');
    await boss.page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(found).toEqual({});
    await boss.context.close();
  });
});
