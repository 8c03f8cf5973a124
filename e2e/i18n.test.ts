// The UI in Simplified Chinese, chosen from the system language.
import { describe, it } from 'vitest';
import { newPerson, registerViaUi, shot } from './browser.js';
import { e2eSuite, send, uniqueUsername } from './fixture.js';

const e = e2eSuite();

describe('Chinese UI', () => {
  it('renders in Simplified Chinese from the system language', async () => {
    const li = await newPerson(e.browser, e.server.url, { locale: 'zh-CN' });
    await li.page.getByRole('heading', { name: '登录' }).waitFor();
    await shot(li.page, '11-zh-login');
    await registerViaUi(li.page, uniqueUsername('li'), '李雷');
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

  it('says what is wrong with a field in Chinese', async () => {
    const wang = await newPerson(e.browser, e.server.url, { locale: 'zh-CN' });
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
